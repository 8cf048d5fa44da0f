#!/usr/bin/python3
"""Writes the small generated seed files of tests/fuzz/corpus/<target>/ (run from anywhere; the
files are committed, so this only needs running again to change them). Seeds are valid files of
each format, a few bytes to a few KB, so the fuzzer starts from inputs that get past the first
checks; the example networks, projects and lessons are passed to the runs as seeds directly."""
import gzip
import json
import os
import struct
import sys

import numpy as np

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    os.makedirs(os.path.join(root, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(root, target, name), "wb") as f:
        f.write(data)


# --- safetensors: weights and data sets of every dtype the reader knows, with metadata.
def safetensors(tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


x = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
put("safetensors", "dataset-f32-classes", safetensors(
    {"x": ("F32", [4, 3], x.tobytes()), "y": ("I64", [4], np.array([0, 1, 2, 1], np.int64).tobytes())}))
put("safetensors", "dataset-f64-regression", safetensors(
    {"x": ("F64", [3, 2], np.linspace(0, 1, 6).tobytes()), "y": ("F64", [3, 2], np.linspace(1, 2, 6).tobytes())}))
put("safetensors", "dataset-images-u8", safetensors(
    {"x": ("U8", [2, 1, 2, 2], bytes(range(8))), "y": ("U8", [2], bytes([3, 0]))}))
put("safetensors", "weights-mixed-dtypes", safetensors({
    "h1.weight": ("F16", [2, 2], np.array([0.5, -1, 2, 0], np.float16).tobytes()),
    "h1.bias": ("BF16", [2], struct.pack("<HH", 0x3F80, 0xBF80)),
    "out.weight": ("I32", [1, 2], np.array([1, -2], np.int32).tobytes()),
    "out.bias": ("I16", [1], np.array([7], np.int16).tobytes()),
    "scale": ("I8", [], np.array([-3], np.int8).tobytes()),
    "mask": ("BOOL", [3], bytes([1, 0, 1])),
}, {"format": "pt", "gradlab.network": "xor-mlp"}))
put("safetensors", "empty-header", safetensors({}))

# --- Fashion-MNIST IDX pairs: a 2-byte little-endian split, the images file, the labels file.
def idx_pair(count, gz_images, gz_labels):
    images = struct.pack(">IIII", 2051, count, 28, 28) + bytes((i * 7) % 256 for i in range(count * 784))
    labels = struct.pack(">II", 2049, count) + bytes(i % 10 for i in range(count))
    if gz_images:
        images = gzip.compress(images, mtime=0)
    if gz_labels:
        labels = gzip.compress(labels, mtime=0)
    return struct.pack("<H", len(images)) + images + labels


put("idx", "two-images-gzip", idx_pair(2, True, True))
put("idx", "one-image-plain", idx_pair(1, False, False))
put("idx", "three-images-mixed", idx_pair(3, True, False))
put("idx", "no-images", idx_pair(0, False, True))

# --- CSV: the dialects parseCsv reads.
put("csv", "classes", "alcohol,acidity,quality\n9.4,0.70,5\n\"10.2\",0.88,6\n9.8,0.76,5\n")
put("csv", "text-labels", "\ufeffsepal length,sepal width,species\r\n5.1,3.5,setosa\r\n7.0,3.2,\"versi,color\"\r\n"
    "6.3,3.3,virginica\r\n\r\n")
put("csv", "semicolons", "a;b;target\n1,5;2;0.25\n3;4;1e3\n")
put("csv", "tabs-quoted", "x\ty\n\"1\"\t\"a \"\"quoted\"\" line\nbreak\"\n2\tb\n")
put("csv", "regression", "t,sin\n0,0\n0.5,0.479\n1,0.841\n-1,-0.841\n")

# --- network: the examples are seeds as they are; one with a training object and every key.
put("network", "training-every-key", json.dumps({
    "format": "gradlab.network/1", "name": "tiny",
    "blocks": [{"id": "x", "type": "Input", "shape": [2]},
               {"id": "out", "type": "Dense", "units": 2, "activation": "relu"}],
    "edges": [["x", "out"]], "loss": {"type": "cross_entropy", "block": "out"},
    "training": {"optimizer": "sgd", "lr": 0.1, "l1": 0.001, "l2": 0.001, "clipNorm": 1,
                 "batch": 4, "seed": 2, "speed": 0, "randomLabels": True, "earlyStopping": 5}}, indent=1))

# --- project: data sources other than the shipped spiral project's.
with open(os.path.join(os.path.dirname(root), "..", "..", "resources", "projects", "spiral.gradlab")) as f:
    spiral = json.load(f)
for name, data in {"file-source": {"source": "file", "path": "data/iris.csv", "testFraction": 0.2,
                                   "seed": 3, "reconstruct": True},
                   "sequence-source": {"source": "builtin", "name": "long-lag", "lag": 20, "length": 30,
                                       "symbols": 5, "testFraction": 0.25, "seed": 1}}.items():
    p = dict(spiral, data=data, step=12, weights="spiral.safetensors", layout="AAAA/w==")
    put("project", name, json.dumps(p, indent=1))

# --- lesson: a small lesson with setup, actions, checks, hints and variants; a timeline.
put("lesson", "small-lesson", """# A small lesson

```gradlab
topic: 4
group: Basics
```

Intro.

## Train it

```gradlab
network: xor-mlp
data: xor points=100 noise=0.05 test=0.5 seed=1
optimizer: adam
lr: 0.03
batch: 10
views: boundary loss
do: play 200
check: test.accuracy >= 0.9
hint: Press Show me.
```
""")
put("lesson", "timeline", "# History\n\n- 1958: The perceptron. [Lesson](02-perceptron)\n- 1986: Backpropagation.\n")

# --- images: every format the size check reads, and two it does not (TIFF, WebP).
try:
    import cv2
except ImportError:
    sys.exit("make_seeds.py: python3-opencv is needed for the image seeds (apt install python3-opencv)")
img = np.zeros((5, 7, 3), np.uint8)
img[1:4, 2:5] = (40, 200, 90)
img[0, :] = 250
for ext, params in {".png": [], ".jpg": [cv2.IMWRITE_JPEG_QUALITY, 50], ".bmp": [], ".pgm": [],
                    ".ppm": [], ".tiff": [], ".webp": [cv2.IMWRITE_WEBP_QUALITY, 50]}.items():
    src = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if ext == ".pgm" else img
    ok, buf = cv2.imencode(ext, src, params)
    assert ok, ext
    put("image", "small" + ext, buf.tobytes())
rgba = np.dstack([img, np.full((5, 7), 128, np.uint8)])
ok, buf = cv2.imencode(".png", rgba)
put("image", "alpha.png", buf.tobytes())
ok, buf = cv2.imencode(".png", (img.astype(np.uint16) * 257))
put("image", "sixteen-bit.png", buf.tobytes())
# GIF (OpenCV 4.6 cannot write one): a 2×2 GIF89a, two colours.
put("image", "small.gif", bytes.fromhex(
    "47494638396102000200800000ff000000ff002c00000000020002000002028451003b"))
