#pragma once
// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28×28 grayscale images of clothing in 10
// classes, 60000 for training and 10000 for testing, as Debian's dataset-fashion-mnist
// package installs them under /usr/share/datasets/fashion-mnist/:
//   train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz
//   t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz
// (gzip-compressed IDX files; uncompressed ones without ".gz" are read too).
//
//   Split s = loadFashionMnist();                 // s.train.size() == 60000, s.test 10000
//   Split small = loadFashionMnist({.limit = 1000});  // the first 1000 of each
//   // xShape {1, 28, 28}, pixels in [0, 1]; y = class index, classNames[3] == "Dress"
//
// IDX: a big-endian header — magic 2051 (images) or 2049 (labels), the count, and for images
// rows and columns — then one unsigned byte per pixel or label. Every size is checked; errors
// name the file (missing files also name the package to install).
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace gradlab {

struct FashionMnistOptions {
  std::string dir{};  // empty: $GRADLAB_FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist
  int64_t limit = 0;  // at most this many training and this many test images; 0 = all
};

Split loadFashionMnist(const FashionMnistOptions& opts = {});
std::string defaultFashionMnistDir();
const std::vector<std::string>& fashionMnistClassNames();  // "T-shirt/top", "Trouser", …

// One images/labels pair of IDX files (gzip or plain) as a dataset of 28×28 images with
// labels 0–9; `limit` > 0 reads only the first `limit` samples.
Dataset loadIdxPair(const std::string& imagesPath, const std::string& labelsPath, int64_t limit = 0);

}  // namespace gradlab
