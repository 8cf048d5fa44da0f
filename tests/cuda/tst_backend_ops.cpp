// Every backend op on every available backend against the cpu reference, forward and backward
// (test-backend-ops in ggml's style). One small OpCase per op and shape: it draws its inputs
// from a seeded generator — the same numbers on every backend — runs the op and returns what
// to compare. A backend passes a case when every output has the reference's NaN/Inf pattern
// and a normalised mean squared error Σ(out − ref)² / Σ ref² within the case's tolerance.
//
// Adding an op: add its cases to cases() below (a new op comes with its cases). Running a few:
//   tst_backend_ops ops:gemm            one data row        GRADLAB_OPS=conv,pool  a filter
//
// The test is built in every build, with or without CUDA. Where no GPU is usable (CI has nvcc
// and cuDNN, no GPU; a GRADLAB_CUDA=OFF build) each case still runs on the cpu twice — the
// reference must be deterministic — and only its GPU comparison is skipped, loudly, with the
// reason. Whole networks are compared too (training steps on cpu and cuda from the same
// weights), with and without recorded steps (CUDA Graphs), and the recording, allocator and
// error paths of the cuda backend are tested directly.
#include <QtTest>
#include <cmath>
#include <cstdlib>
#include <functional>

#include "backend/backend.h"
#include "backend/device_error.h"
#include "backend/select.h"
#include "network/network.h"
#include "spec/network_spec.h"
#include "train/trainer.h"
#include "util/rng.h"

using namespace gradlab;

namespace {

using Outputs = std::vector<std::vector<double>>;

// Inputs of one case on one backend, drawn from a generator seeded by the case.
struct In {
  Backend& be;
  Rng rng;
  In(Backend& b, uint64_t seed) : be(b), rng(seed) {}
  Tensor fromValues(const Shape& s, const std::vector<double>& v) {
    Tensor t = be.empty(s, DType::F32);
    t.fromHost(std::span<const double>(v));
    return t;
  }
  // Uniform in [lo, hi).
  Tensor u(const Shape& s, double lo = -1, double hi = 1) {
    std::vector<double> v(static_cast<size_t>(numel(s)));
    for (auto& x : v) x = rng.uniform(lo, hi);
    return fromValues(s, v);
  }
  // Small integers in [0, k): many ties (max pooling's first-maximum rule).
  Tensor ints(const Shape& s, int k) {
    std::vector<double> v(static_cast<size_t>(numel(s)));
    for (auto& x : v) x = double(rng.below(uint64_t(k)));
    return fromValues(s, v);
  }
  Tensor classes(int64_t n, int k) { return ints({n}, k); }
};

Outputs host(std::initializer_list<Tensor> ts) {
  Outputs out;
  for (const Tensor& t : ts) out.push_back(t.toHost());
  return out;
}

struct OpCase {
  std::string op;    // the Backend method
  std::string name;  // unique: op and shape
  double maxNmse = 1e-9;
  std::function<Outputs(In&)> run;
};

std::string str(const Shape& s) { return toString(s); }

std::vector<OpCase> cases() {
  std::vector<OpCase> c;
  auto add = [&](std::string op, std::string detail, std::function<Outputs(In&)> f,
                 double tol = 1e-9) {
    c.push_back({op, op + " " + detail, tol, std::move(f)});
  };

  // --- storage and element-wise ----------------------------------------------------------
  for (int64_t n : {1, 1000, 300001})
    add("upload/download", std::to_string(n), [n](In& in) { return host({in.u({n})}); });
  add("fill", "2.5", [](In& in) {
    Tensor t = in.u({7, 9});
    in.be.fill(t, 2.5);
    return host({t});
  });
  add("fill", "0 on a view", [](In& in) {
    Tensor t = in.u({6, 5});
    Tensor v = t.slice(2, 4);
    in.be.fill(v, 0.0);
    return host({t});
  });
  add("copy", "to a view", [](In& in) {
    Tensor a = in.u({3, 4}), b = in.u({8, 4});
    Tensor v = b.slice(4, 7);
    in.be.copy(a, v);
    return host({b});
  });
  add("copy", "overlapping views of one buffer", [](In& in) {
    Tensor a = in.u({10, 3});
    Tensor src = a.slice(0, 6), dst = a.slice(2, 8);
    in.be.copy(src, dst);
    return host({a});
  });
  add("axpy", "-0.7", [](In& in) {
    Tensor x = in.u({1000}), y = in.u({1000});
    in.be.axpy(-0.7, x, y);
    return host({y});
  });
  add("scale", "3", [](In& in) {
    Tensor x = in.u({513});
    in.be.scale(x, 3.0);
    return host({x});
  });
  add("addSign", "with zeros", [](In& in) {
    Tensor x = in.ints({200}, 3), y = in.u({200});
    Tensor shifted = in.be.empty({200}, DType::F32);
    in.be.copy(x, shifted);
    in.be.axpy(-1.0, in.fromValues({200}, std::vector<double>(200, 1.0)), shifted);  // −1, 0, 1
    in.be.addSign(0.25, shifted, y);
    return host({y});
  });
  const Reduce reduces[] = {Reduce::Sum, Reduce::SumSquares, Reduce::SumAbs, Reduce::MaxAbs};
  const char* reduceNames[] = {"sum", "sum_squares", "sum_abs", "max_abs"};
  for (int r = 0; r < 4; ++r)
    for (int64_t n : {1, 777, 1 << 20}) {
      const Reduce k = reduces[r];
      add(
          "reduce", std::string(reduceNames[r]) + " " + std::to_string(n),
          [k, n](In& in) { return Outputs{{in.be.reduce(k, in.u({n}))}}; }, 1e-12);
    }
  add("allFinite", "finite, NaN, +Inf", [](In& in) {
    Tensor a = in.u({1000});
    std::vector<double> v(1000, 1.0);
    v[517] = std::nan("");
    Tensor b = in.fromValues({1000}, v);
    v[517] = 1.0;
    v[999] = INFINITY;
    Tensor c2 = in.fromValues({1000}, v);
    return Outputs{
        {double(in.be.allFinite(a)), double(in.be.allFinite(b)), double(in.be.allFinite(c2))}};
  });
  add(
      "sumOfSquares", "3 tensors",
      [](In& in) {
        std::vector<Tensor> ts{in.u({100, 30}), in.u({1}), in.u({70000})};
        return Outputs{{in.be.sumOfSquares(ts)}};
      },
      1e-12);

  // --- matrix ------------------------------------------------------------------------------
  struct G {
    bool ta, tb;
    int64_t m, k, n;
    double alpha, beta;
  };
  for (const G& g : {G{false, false, 7, 5, 3, 1, 0}, G{false, true, 7, 5, 3, 1, 0},
                     G{true, false, 7, 5, 3, 0.5, 1}, G{true, true, 7, 5, 3, 1, 0.25},
                     G{false, true, 64, 130, 33, 1, 1}, G{true, false, 129, 64, 257, 1, 0},
                     G{false, false, 1, 1, 1, 2, 0}}) {
    const std::string d = std::string(g.ta ? "T" : "N") + (g.tb ? "T" : "N") + " m" +
                          std::to_string(g.m) + " k" + std::to_string(g.k) + " n" +
                          std::to_string(g.n) + " α" + std::to_string(g.alpha) + " β" +
                          std::to_string(g.beta);
    add("gemm", d, [g](In& in) {
      Tensor A = g.ta ? in.u({g.k, g.m}) : in.u({g.m, g.k});
      Tensor B = g.tb ? in.u({g.n, g.k}) : in.u({g.k, g.n});
      Tensor C = in.u({g.m, g.n});
      in.be.gemm(g.ta, g.tb, g.alpha, A, B, g.beta, C);
      return host({C});
    });
  }
  add("addRowVector", "37×19", [](In& in) {
    Tensor y = in.u({37, 19}), b = in.u({19});
    in.be.addRowVector(y, b);
    return host({y});
  });
  for (double beta : {0.0, 0.5})
    add("sumRows", "1000×37 β" + std::to_string(beta), [beta](In& in) {
      Tensor dy = in.u({1000, 37}), db = in.u({37});
      in.be.sumRows(dy, beta, db);
      return host({db});
    });
  for (bool acc : {false, true})
    add("copyColumns", acc ? "accumulate" : "assign", [acc](In& in) {
      Tensor src = in.u({6, 5}), dst = in.u({6, 7});
      in.be.copyColumns(src, 5, 1, dst, 7, 3, 6, 3, acc);
      return host({dst});
    });

  // --- activations -----------------------------------------------------------------------
  const Act acts[] = {Act::Identity,  Act::Sigmoid, Act::Tanh,   Act::Relu,
                      Act::LeakyRelu, Act::Elu,     Act::Softmax};
  const char* actNames[] = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax"};
  for (int a = 0; a < 7; ++a) {
    const Act f = acts[a];
    for (int64_t cols : {5, 300}) {
      const std::string d = std::string(actNames[a]) + " 9×" + std::to_string(cols);
      add("actForward", d, [f, cols](In& in) {
        Tensor z = in.u({9, cols}, -4, 4), y = in.u({9, cols});
        in.be.actForward(f, z, y);
        return host({y});
      });
      for (bool acc : {false, true})
        add("actBackward", d + (acc ? " accumulate" : ""), [f, cols, acc](In& in) {
          Tensor z = in.u({9, cols}, -4, 4), y = in.be.empty({9, cols}, DType::F32);
          in.be.actForward(f, z, y);
          Tensor dy = in.u({9, cols}), dz = in.u({9, cols});
          in.be.actBackward(f, z, y, dy, dz, acc);
          return host({dz});
        });
    }
  }

  // --- losses ------------------------------------------------------------------------------
  struct L {
    LossKind k;
    const char* name;
    int64_t rows, cols;
  };
  for (const L& l : {L{LossKind::Mse, "mse", 10, 3}, L{LossKind::Bce, "bce", 10, 1},
                     L{LossKind::BceLogits, "bce_logits", 64, 4},
                     L{LossKind::CrossEntropy, "cross_entropy", 10, 4},
                     L{LossKind::CrossEntropy, "cross_entropy", 300, 1000},
                     L{LossKind::Mse, "mse", 3000, 100}}) {
    for (bool grad : {false, true})
      add("loss",
          std::string(l.name) + " " + std::to_string(l.rows) + "×" + std::to_string(l.cols) +
              (grad ? " with grad" : ""),
          [l, grad](In& in) {
            Tensor pred = l.k == LossKind::Bce ? in.u({l.rows, l.cols}, 0.02, 0.98)
                                               : in.u({l.rows, l.cols}, -3, 3);
            Tensor target = l.k == LossKind::CrossEntropy ? in.classes(l.rows, int(l.cols))
                            : l.k == LossKind::Mse        ? in.u({l.rows, l.cols})
                                                          : in.ints({l.rows, l.cols}, 2);
            Tensor value = in.be.zeros({1}, DType::F32), g = in.u({l.rows, l.cols});
            in.be.loss(l.k, pred, target, value, grad ? &g : nullptr);
            return grad ? host({value, g}) : host({value});
          });
  }

  // --- optimizers --------------------------------------------------------------------------
  const OptimKind kinds[] = {OptimKind::Sgd,     OptimKind::Momentum, OptimKind::Nesterov,
                             OptimKind::Adagrad, OptimKind::Adadelta, OptimKind::RmsProp,
                             OptimKind::Adam};
  const char* kindNames[] = {"sgd",      "momentum", "nesterov", "adagrad",
                             "adadelta", "rmsprop",  "adam"};
  for (int k = 0; k < 7; ++k)
    for (int64_t step : {1, 5}) {
      const OptimKind kind = kinds[k];
      add("optimizerUpdate", std::string(kindNames[k]) + " step " + std::to_string(step),
          [kind, step](In& in) {
            Tensor w = in.u({33, 7}), g = in.u({33, 7}), s1 = in.u({33, 7}, 0, 1),
                   s2 = in.u({33, 7}, 0, 1);
            OptimHyper h;
            h.lr = 0.05;
            in.be.optimizerUpdate(kind, h, step, w, g, s1, s2);
            return host({w, s1, s2});
          });
    }

  // --- convolution ---------------------------------------------------------------------------
  struct Cv {
    int64_t n, c, h, w, o, k, s, p;
  };
  for (const Cv& v : {Cv{2, 1, 8, 8, 4, 3, 1, 1}, Cv{3, 3, 13, 11, 5, 5, 2, 2},
                      Cv{2, 4, 6, 6, 3, 1, 1, 0}, Cv{1, 2, 9, 9, 2, 4, 3, 0}}) {
    const Conv2dGeometry g = conv2dGeometry(v.c, v.h, v.w, v.o, v.k, v.s, v.p);
    const Shape xs{v.n, v.c, v.h, v.w}, ws{v.o, v.c, v.k, v.k}, ys{v.n, v.o, g.outH, g.outW};
    const std::string d = "x " + str(xs) + " w " + str(ws) + " stride " + std::to_string(v.s) +
                          " pad " + std::to_string(v.p);
    add("conv2dForward", d, [=](In& in) {
      Tensor x = in.u(xs), w = in.u(ws), y = in.u(ys);
      in.be.conv2dForward(x, w, g, y);
      return host({y});
    });
    for (bool acc : {false, true})
      add("conv2dBackwardData", d + (acc ? " accumulate" : ""), [=](In& in) {
        Tensor w = in.u(ws), dy = in.u(ys), dx = in.u(xs);
        in.be.conv2dBackwardData(w, dy, g, dx, acc);
        return host({dx});
      });
    add("conv2dBackwardFilter", d, [=](In& in) {
      Tensor x = in.u(xs), dy = in.u(ys), dw = in.u(ws);
      in.be.conv2dBackwardFilter(x, dy, g, dw);
      return host({dw});
    });
    add("conv2dBackwardBias", "dy " + str(ys), [=](In& in) {
      Tensor dy = in.u(ys), db = in.u({v.o});
      in.be.conv2dBackwardBias(dy, db);
      return host({db});
    });
  }
  for (const Shape& s : {Shape{4, 3, 5, 6}, Shape{7, 5}})
    add("addChannelBias", str(s), [s](In& in) {
      Tensor y = in.u(s), b = in.u({s[1]});
      in.be.addChannelBias(y, b);
      return host({y});
    });

  // --- pooling -------------------------------------------------------------------------------
  struct P {
    int64_t n, c, h, w, k, s;
    bool ties;
  };
  for (PoolMode mode : {PoolMode::Max, PoolMode::Average})
    for (const P& p :
         {P{2, 3, 8, 8, 2, 2, false}, P{2, 2, 9, 7, 3, 2, false}, P{3, 2, 8, 8, 2, 2, true},
          P{1, 2, 7, 7, 3, 2, true}, P{1, 1, 6, 6, 2, 1, false}}) {
      const Pool2dGeometry g = pool2dGeometry(p.c, p.h, p.w, p.k, p.s);
      const Shape xs{p.n, p.c, p.h, p.w}, ys{p.n, p.c, g.outH, g.outW};
      const std::string d = std::string(mode == PoolMode::Max ? "max " : "average ") + str(xs) +
                            " window " + std::to_string(p.k) + " stride " + std::to_string(p.s) +
                            (p.ties ? " with ties" : "");
      auto input = [p, xs](In& in) { return p.ties ? in.ints(xs, 3) : in.u(xs); };
      add("pool2dForward", d, [=](In& in) {
        Tensor x = input(in), y = in.u(ys);
        in.be.pool2dForward(mode, g, x, y);
        return host({y});
      });
      for (bool acc : {false, true})
        add("pool2dBackward", d + (acc ? " accumulate" : ""), [=](In& in) {
          Tensor x = input(in), y = in.be.empty(ys, DType::F32);
          in.be.pool2dForward(mode, g, x, y);
          Tensor dy = in.u(ys), dx = in.u(xs);
          in.be.pool2dBackward(mode, g, x, y, dy, dx, acc);
          return host({dx});
        });
    }

  // --- batch normalisation -------------------------------------------------------------------
  for (const Shape& s : {Shape{16, 5}, Shape{4, 3, 5, 6}}) {
    const Shape cs{s[1]};
    add(
        "batchNormForwardTraining", str(s),
        [=](In& in) {
          Tensor x = in.u(s, -2, 3), gamma = in.u(cs, 0.5, 1.5), beta = in.u(cs);
          Tensor rm = in.u(cs), rv = in.u(cs, 0.5, 2), y = in.u(s), sm = in.u(cs), sv = in.u(cs);
          in.be.batchNormForwardTraining(x, gamma, beta, 0.1, 1e-5, rm, rv, y, sm, sv);
          return host({y, rm, rv, sm, sv});
        },
        1e-10);
    add("batchNormForwardInference", str(s), [=](In& in) {
      Tensor x = in.u(s, -2, 3), gamma = in.u(cs, 0.5, 1.5), beta = in.u(cs);
      Tensor rm = in.u(cs), rv = in.u(cs, 0.5, 2), y = in.u(s);
      in.be.batchNormForwardInference(x, gamma, beta, rm, rv, 1e-3, y);
      return host({y});
    });
    for (int mode = 0; mode < 3; ++mode)  // dx assigned, accumulated, not wanted
      add(
          "batchNormBackward",
          str(s) + (mode == 0   ? ""
                    : mode == 1 ? " accumulate"
                                : " without dx"),
          [=](In& in) {
            Tensor x = in.u(s, -2, 3), gamma = in.u(cs, 0.5, 1.5), beta = in.u(cs);
            Tensor rm = in.u(cs), rv = in.u(cs, 0.5, 2), y = in.u(s), sm = in.u(cs), sv = in.u(cs);
            in.be.batchNormForwardTraining(x, gamma, beta, 0.1, 1e-5, rm, rv, y, sm, sv);
            Tensor dy = in.u(s), dx = mode == 2 ? Tensor() : in.u(s), dg = in.u(cs), db = in.u(cs);
            in.be.batchNormBackward(x, dy, gamma, sm, sv, 1e-5, dx, dg, db, mode == 1);
            return mode == 2 ? host({dg, db}) : host({dx, dg, db});
          },
          1e-8);
  }

  // --- dropout (masks bit for bit) ----------------------------------------------------------
  add(
      "dropoutMask", "rate 0.3, 10000",
      [](In& in) {
        Tensor m = in.u({100, 100});
        in.be.dropoutMask(0.3, 42, 7, m);
        return host({m});
      },
      0.0);
  add("dropoutForward", "rate 0.5", [](In& in) {
    Tensor x = in.u({50, 20}), m = in.ints({50, 20}, 2), y = in.u({50, 20});
    in.be.dropoutForward(x, m, 0.5, y);
    return host({y});
  });
  for (bool acc : {false, true})
    add("dropoutBackward", std::string("rate 0.25") + (acc ? " accumulate" : ""), [acc](In& in) {
      Tensor dy = in.u({50, 20}), m = in.ints({50, 20}, 2), dx = in.u({50, 20});
      in.be.dropoutBackward(dy, m, 0.25, dx, acc);
      return host({dx});
    });

  // --- recurrent -----------------------------------------------------------------------------
  for (bool acc : {false, true})
    add("transpose01", std::string("5×3×4") + (acc ? " accumulate" : ""), [acc](In& in) {
      Tensor src = in.u({5, 3, 4}), dst = in.u({3, 5, 4});
      in.be.transpose01(src, dst, acc);
      return host({dst});
    });
  const int64_t B = 6, H = 7;
  add("lstmCellForward", "B 6 H 7", [=](In& in) {
    Tensor gates = in.u({B, 4 * H}, -3, 3), cPrev = in.u({B, H}), c = in.u({B, H}),
           h = in.u({B, H});
    in.be.lstmCellForward(gates, cPrev, c, h);
    return host({gates, c, h});
  });
  add("lstmCellBackward", "B 6 H 7", [=](In& in) {
    Tensor gates = in.u({B, 4 * H}, -3, 3), cPrev = in.u({B, H}), c = in.u({B, H}),
           h = in.u({B, H});
    in.be.lstmCellForward(gates, cPrev, c, h);
    Tensor dh = in.u({B, H}), dc = in.u({B, H}), dgates = in.u({B, 4 * H});
    in.be.lstmCellBackward(gates, cPrev, c, dh, dc, dgates);
    return host({dc, dgates});
  });
  add("gruGatesForward", "B 6 H 7", [=](In& in) {
    Tensor xp = in.u({B, 3 * H}, -2, 2), hh = in.u({B, 2 * H}), hPrev = in.u({B, H});
    Tensor rz = in.u({B, 2 * H}), rh = in.u({B, H});
    in.be.gruGatesForward(xp, hh, hPrev, rz, rh);
    return host({rz, rh});
  });
  add("gruCandidateForward", "B 6 H 7", [=](In& in) {
    Tensor xp = in.u({B, 3 * H}, -2, 2), hg = in.u({B, H}), rz = in.u({B, 2 * H}, 0, 1),
           hPrev = in.u({B, H}), g = in.u({B, H}), h = in.u({B, H});
    in.be.gruCandidateForward(xp, hg, rz, hPrev, g, h);
    return host({g, h});
  });
  add("gruCandidateBackward", "B 6 H 7", [=](In& in) {
    Tensor dh = in.u({B, H}), rz = in.u({B, 2 * H}, 0, 1), g = in.u({B, H}), hPrev = in.u({B, H});
    Tensor drz = in.u({B, 2 * H}), dg = in.u({B, H});
    in.be.gruCandidateBackward(dh, rz, g, hPrev, drz, dg);
    return host({drz, dg});
  });
  for (bool acc : {false, true})
    add("gruResetBackward", std::string("B 6 H 7") + (acc ? " accumulate" : ""), [=](In& in) {
      Tensor dh = in.u({B, H}), drh = in.u({B, H}), rz = in.u({B, 2 * H}, 0, 1),
             hPrev = in.u({B, H}), drz = in.u({B, 2 * H}), dhPrev = in.u({B, H});
      in.be.gruResetBackward(dh, drh, rz, hPrev, drz, dhPrev, acc);
      return host({drz, dhPrev});
    });

  // --- special values: NaN, ±Inf and −0 come out where the cpu's do ------------------------
  // (a backend that turned a diverged value finite would let training go on from NaN weights)
  const std::vector<double> special{std::nan(""), INFINITY, -INFINITY, -0.0, 0.0, 1.5, -2.0, 1e-30};
  const int64_t ns = int64_t(special.size());
  for (int a = 0; a < 6; ++a) {
    const Act f = acts[a];
    add("actForward", std::string(actNames[a]) + " NaN ±Inf −0", [f, special, ns](In& in) {
      Tensor z = in.fromValues({1, ns}, special), y = in.u({1, ns});
      in.be.actForward(f, z, y);
      return host({y});
    });
  }
  add("addSign", "NaN ±Inf −0", [special, ns](In& in) {
    Tensor x = in.fromValues({ns}, special), y = in.u({ns});
    in.be.addSign(0.1, x, y);
    return host({y});
  });
  add("loss", "bce with NaN and out-of-range predictions", [](In& in) {
    Tensor pred = in.fromValues({4, 1}, {std::nan(""), 1.5, 0.0, 1.0});
    Tensor target = in.fromValues({4, 1}, {1, 1, 0, 1});
    Tensor value = in.be.zeros({1}, DType::F32), g = in.u({4, 1});
    in.be.loss(LossKind::Bce, pred, target, value, &g);
    return host({value, g});
  });
  add("loss", "bce_logits with NaN", [](In& in) {
    Tensor pred = in.fromValues({2, 1}, {std::nan(""), 3.0});
    Tensor target = in.fromValues({2, 1}, {1, 0});
    Tensor value = in.be.zeros({1}, DType::F32), g = in.u({2, 1});
    in.be.loss(LossKind::BceLogits, pred, target, value, &g);
    return host({value, g});
  });

  // --- sizes that take the kernels' other paths --------------------------------------------
  // Past kMaxBlocks × kThreads elements the element-wise kernels stride over the grid.
  const int64_t big = (int64_t(1) << 20) + 3;
  add("axpy", "grid-stride " + std::to_string(big), [big](In& in) {
    Tensor x = in.u({big}), y = in.u({big});
    in.be.axpy(0.3, x, y);
    return host({y});
  });
  add("fill", "grid-stride", [big](In& in) {
    Tensor t = in.u({big});
    in.be.fill(t, -1.25);
    return host({t});
  });
  add("actBackward", "tanh grid-stride accumulate", [big](In& in) {
    Tensor z = in.u({big}, -3, 3), y = in.be.empty({big}, DType::F32);
    in.be.actForward(Act::Tanh, z, y);
    Tensor dy = in.u({big}), dz = in.u({big});
    in.be.actBackward(Act::Tanh, z, y, dy, dz, true);
    return host({y, dz});
  });
  add("dropoutMask", "rate 0.5, grid-stride", [big](In& in) {
    Tensor m = in.be.empty({big}, DType::F32);
    in.be.dropoutMask(0.5, 9, 3, m);
    return host({m});
  });
  for (int64_t cols : {1, 33, 64})  // softmax and cross-entropy rows of 32, 64 threads
    add("actForward", "softmax 7×" + std::to_string(cols), [cols](In& in) {
      Tensor z = in.u({7, cols}, -5, 5), y = in.u({7, cols});
      in.be.actForward(Act::Softmax, z, y);
      return host({y});
    });
  add("actForward", "softmax in place", [](In& in) {
    Tensor z = in.u({5, 40}, -5, 5);
    in.be.actForward(Act::Softmax, z, z);
    return host({z});
  });
  for (int64_t cols : {1, 65})
    add("sumRows", "1001×" + std::to_string(cols), [cols](In& in) {
      Tensor dy = in.u({1001, cols}), db = in.u({cols});
      in.be.sumRows(dy, 0.0, db);
      return host({db});
    });
  add("lstmCellBackward", "B 33 H 17", [](In& in) {
    const int64_t b = 33, h = 17;
    Tensor gates = in.u({b, 4 * h}, -3, 3), cPrev = in.u({b, h}), c = in.u({b, h}),
           hs = in.u({b, h});
    in.be.lstmCellForward(gates, cPrev, c, hs);
    Tensor dh = in.u({b, h}), dc = in.u({b, h}), dgates = in.u({b, 4 * h});
    in.be.lstmCellBackward(gates, cPrev, c, dh, dc, dgates);
    return host({gates, c, hs, dc, dgates});
  });
  add(
      "sumOfSquares", "300 tensors, one empty",
      [](In& in) {
        std::vector<Tensor> ts;
        for (int i = 0; i < 300; ++i) ts.push_back(in.u({i == 7 ? 0 : 1 + (i * 37) % 500}));
        return Outputs{{in.be.sumOfSquares(ts)}};
      },
      1e-12);
  return c;
}

// GRADLAB_OPS=gemm,conv keeps the cases whose name contains one of the words.
bool selected(const OpCase& c) {
  const char* env = std::getenv("GRADLAB_OPS");
  if (!env || !*env) return true;
  const QStringList words = QString(env).split(',', Qt::SkipEmptyParts);
  for (const QString& w : words)
    if (QString::fromStdString(c.name).contains(w.trimmed())) return true;
  return false;
}

// Compares outputs with the reference: same shapes, same NaN/Inf pattern, NMSE ≤ tol.
QString compare(const Outputs& ref, const Outputs& got, double tol) {
  if (ref.size() != got.size()) return "a different number of outputs";
  for (size_t o = 0; o < ref.size(); ++o) {
    if (ref[o].size() != got[o].size()) return QString("output %1 has another size").arg(o);
    double err = 0, norm = 0;
    for (size_t i = 0; i < ref[o].size(); ++i) {
      const double r = ref[o][i], g = got[o][i];
      if (std::isfinite(r) != std::isfinite(g) || std::isnan(r) != std::isnan(g))
        return QString("output %1[%2]: %3 where the cpu has %4").arg(o).arg(i).arg(g).arg(r);
      if (!std::isfinite(r)) continue;
      err += (g - r) * (g - r);
      norm += r * r;
    }
    const double nmse = norm > 0 ? err / norm : err;
    if (!(nmse <= tol))
      return QString("output %1: normalised mean squared error %2 > %3").arg(o).arg(nmse).arg(tol);
  }
  return {};
}

// The GPU backend to test, or null with the reason.
Backend* gpu(QString& why) {
  try {
    return selectBackend("cuda").backend;
  } catch (const Error& e) {
    why = e.what();
    return nullptr;
  }
}

// Networks trained on both backends from the same weights.
struct NetCase {
  const char* name;
  const char* json;
  Shape x;
  int classes;
  std::string optimizer;
  double tol;  // relative, per step's loss
};

const std::vector<NetCase>& netCases() {
  static const std::vector<NetCase> n{
      {"mlp tanh adam",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [2]},
          {"id": "h1", "type": "Dense", "units": 8, "activation": "tanh"},
          {"id": "h2", "type": "Dense", "units": 8, "activation": "tanh"},
          {"id": "out", "type": "Dense", "units": 1, "activation": "sigmoid"}],
          "edges": [["x", "h1"], ["h1", "h2"], ["h2", "out"]], "loss": {"type": "bce", "block": "out"}})",
       {2},
       2,
       "adam",
       1e-4},
      {"mlp relu dropout sgd",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [20]},
          {"id": "h1", "type": "Dense", "units": 64, "activation": "relu"},
          {"id": "d", "type": "Dropout", "rate": 0.3},
          {"id": "out", "type": "Dense", "units": 5}],
          "edges": [["x", "h1"], ["h1", "d"], ["d", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})",
       {20},
       5,
       "momentum",
       1e-4},
      {"cnn batchnorm pool",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [1, 12, 12]},
          {"id": "c1", "type": "Conv2D", "filters": 4, "kernel": 3, "padding": "same", "activation": "relu"},
          {"id": "bn", "type": "BatchNorm"},
          {"id": "p1", "type": "MaxPool2D", "size": 2},
          {"id": "f", "type": "Flatten"},
          {"id": "out", "type": "Dense", "units": 3}],
          "edges": [["x", "c1"], ["c1", "bn"], ["bn", "p1"], ["p1", "f"], ["f", "out"]],
          "loss": {"type": "cross_entropy", "block": "out"}})",
       {1, 12, 12},
       3,
       "adam",
       1e-3},
      {"lstm",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [6, 3]},
          {"id": "r", "type": "LSTM", "units": 8},
          {"id": "out", "type": "Dense", "units": 2}],
          "edges": [["x", "r"], ["r", "out"]], "loss": {"type": "cross_entropy", "block": "out"}})",
       {6, 3},
       2,
       "rmsprop",
       1e-4},
      {"gru sequences",
       R"({"blocks": [{"id": "x", "type": "Input", "shape": [5, 2]},
          {"id": "r", "type": "GRU", "units": 6, "return_sequences": true},
          {"id": "f", "type": "Flatten"},
          {"id": "out", "type": "Dense", "units": 1}],
          "edges": [["x", "r"], ["r", "f"], ["f", "out"]], "loss": {"type": "mse", "block": "out"}})",
       {5, 2},
       0,
       "adam",
       1e-4},
  };
  return n;
}

Dataset randomData(const NetCase& c, int64_t n) {
  Rng rng(11);
  Dataset d;
  d.name = "random";
  d.xShape = c.x;
  d.x.resize(static_cast<size_t>(n * numel(c.x)));
  for (auto& v : d.x) v = float(rng.uniform(-1, 1));
  d.numClasses = c.classes;
  if (c.classes > 0) {
    d.y.resize(static_cast<size_t>(n));
    for (auto& v : d.y) v = float(rng.below(uint64_t(c.classes)));
  } else {
    d.yShape = {1};
    d.y.resize(static_cast<size_t>(n));
    for (auto& v : d.y) v = float(rng.uniform(-1, 1));
  }
  return d;
}

// Losses of `steps` training steps, and the final weights.
std::pair<std::vector<double>, TensorMap> train(const NetCase& c, Backend& be, int steps,
                                                const TensorMap* init) {
  const NetworkSpec spec = fromJson(nlohmann::json::parse(c.json), c.name);
  TrainConfig cfg;
  cfg.optimizer = c.optimizer;
  cfg.batch = 16;
  cfg.seed = 3;
  cfg.clipNorm = c.optimizer == "momentum" ? 1.0 : 0.0;  // one case exercises sumOfSquares
  Trainer t(spec, Split{randomData(c, 64), Dataset{}}, cfg, be, DType::F32);
  if (init) t.network().loadWeights(*init, "init");
  std::vector<double> losses;
  for (int i = 0; i < steps; ++i) {
    losses.push_back(t.step().loss);
    if (i == steps / 2) t.evaluate(randomData(c, 40));  // reallocates: re-recording follows
  }
  return {losses, t.network().weights()};
}

}  // namespace

class TestBackendOps : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() {
    QString why;
    if (!gpu(why))
      std::printf("tst_backend_ops: no usable GPU, so every GPU comparison below is skipped: %s\n",
                  qPrintable(why));
  }

  // A new op comes with its cases: every op of the interface has one.
  void everyOpHasACase() {
    const auto all = cases();
    for (size_t i = 0; i < size_t(Op::Count); ++i) {
      bool found = false;
      for (const OpCase& c : all) found = found || c.op == opName(Op(i));
      QVERIFY2(found, qPrintable(QString("no case in cases() runs ") + opName(Op(i))));
    }
  }

  void ops_data() {
    QTest::addColumn<int>("index");
    const auto all = cases();
    for (size_t i = 0; i < all.size(); ++i)
      if (selected(all[i])) QTest::newRow(all[i].name.c_str()) << int(i);
  }

  void ops() {
    QFETCH(int, index);
    const OpCase c = cases()[size_t(index)];
    const uint64_t seed = 1000 + uint64_t(index);
    // An op that throws fails its case, not the whole suite.
    auto run = [&](Backend& be, Outputs& out) -> QString {
      try {
        In in(be, seed);
        out = c.run(in);
        return {};
      } catch (const std::exception& e) {
        return QString::fromStdString(be.name() + " threw: " + e.what());
      }
    };
    Outputs ref, again, got;
    QString err = run(cpuBackend(), ref);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    // The case is deterministic on the cpu: the reference itself is sound.
    err = run(cpuBackend(), again);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString self = compare(ref, again, 0.0);
    QVERIFY2(self.isEmpty(), qPrintable("cpu vs cpu: " + self));
    QString why;
    Backend* be = gpu(why);
    if (!be) QSKIP(qPrintable("no usable GPU: " + why));
    // An op the backend says it lacks is skipped; one it claims but lacks fails below ("has no
    // … op yet"): supportsOp must tell the truth.
    for (size_t i = 0; i < size_t(Op::Count); ++i)
      if (c.op == opName(Op(i)) && !be->supportsOp(Op(i)))
        QSKIP(qPrintable(QString::fromStdString("the " + be->name() + " backend has no " + c.op +
                                                " yet (supportsOp)")));
    err = run(*be, got);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString diff = compare(ref, got, c.maxNmse);
    QVERIFY2(diff.isEmpty(), qPrintable(QString::fromStdString(c.name) + ": " + diff));
  }

  // Whole networks: the cuda backend trains like the cpu from the same weights, with recorded
  // steps (CUDA Graphs) and without.
  void networks_data() {
    QTest::addColumn<int>("index");
    for (size_t i = 0; i < netCases().size(); ++i) QTest::newRow(netCases()[i].name) << int(i);
  }

  void networks() {
    QFETCH(int, index);
    const NetCase& c = netCases()[size_t(index)];
    const int steps = 12;
    const NetworkSpec spec = fromJson(nlohmann::json::parse(c.json), c.name);
    const TensorMap init = Network(spec, cpuBackend(), DType::F32, 5).weights();
    const auto [cpuLoss, cpuW] = train(c, cpuBackend(), steps, &init);
    for (double l : cpuLoss) QVERIFY(std::isfinite(l));
    // The reference is deterministic: the same run again gives the same losses and weights,
    // bit for bit (one cpu thread, as DESIGN.md promises).
    const auto [cpuLoss2, cpuW2] = train(c, cpuBackend(), steps, &init);
    QVERIFY(cpuLoss2 == cpuLoss);
    for (const auto& [name, t] : cpuW)
      QVERIFY2(cpuW2.at(name).values == t.values, qPrintable(QString::fromStdString(name)));
    QString why;
    Backend* be = gpu(why);
    if (!be) QSKIP(qPrintable("no usable GPU: " + why));
    for (const char* graphs : {"1", "0"}) {
      qputenv("GRADLAB_CUDA_GRAPHS", graphs);
      const auto [gpuLoss, gpuW] = train(c, *be, steps, &init);
      qunsetenv("GRADLAB_CUDA_GRAPHS");
      for (int i = 0; i < steps; ++i)
        QVERIFY2(std::abs(gpuLoss[size_t(i)] - cpuLoss[size_t(i)]) <=
                     c.tol * std::max(1.0, std::abs(cpuLoss[size_t(i)])),
                 qPrintable(QString("graphs %1, step %2: loss %3 on cuda, %4 on cpu")
                                .arg(graphs)
                                .arg(i + 1)
                                .arg(gpuLoss[size_t(i)], 0, 'g', 10)
                                .arg(cpuLoss[size_t(i)], 0, 'g', 10)));
      for (const auto& [name, t] : cpuW) {
        const QString diff = compare({t.values}, {gpuW.at(name).values}, 1e-6);
        QVERIFY2(diff.isEmpty(),
                 qPrintable(QString("graphs %1, %2: %3").arg(graphs).arg(name.c_str()).arg(diff)));
      }
    }
  }

  // The recording itself: a replay computes what the ops compute; a changed argument or a read
  // in the middle makes a recording not replayable.
  void recording() {
    QString why;
    Backend* be = gpu(why);
    if (!be) QSKIP(qPrintable("no usable GPU: " + why));
    auto rec = be->newRecording();
    if (!rec) QSKIP("GRADLAB_CUDA_GRAPHS=0 turns recordings off");
    In in(*be, 9);
    Tensor a = in.u({64, 32}), w = in.u({16, 32}), z = in.u({64, 16}), y = in.u({64, 16});
    auto ops = [&](Tensor& out) {
      be->gemm(false, true, 1.0, a, w, 0.0, z);
      be->actForward(Act::Tanh, z, out);
      be->scale(w, 0.5);  // changes the input of the next replay
    };
    ops(y);  // once as plain calls first, as the Trainer does: kernels load outside a recording
    rec->begin();
    ops(y);
    QVERIFY(!rec->end());  // the first recording has nothing to match
    rec->begin();
    ops(y);
    QVERIFY(rec->end());  // the same ops on the same tensors
    const std::vector<double> w0 = w.toHost();
    rec->replay();
    rec->replay();
    // Eagerly, on the cpu: two more passes from w0.
    In ref(cpuBackend(), 0);
    Tensor ca = ref.fromValues({64, 32}, a.toHost()), cw = ref.fromValues({16, 32}, w0);
    Tensor cz = cpuBackend().empty({64, 16}, DType::F32),
           cy = cpuBackend().empty({64, 16}, DType::F32);
    for (int i = 0; i < 2; ++i) {
      cpuBackend().gemm(false, true, 1.0, ca, cw, 0.0, cz);
      cpuBackend().actForward(Act::Tanh, cz, cy);
      cpuBackend().scale(cw, 0.5);
    }
    QVERIFY(compare({cy.toHost(), cw.toHost()}, {y.toHost(), w.toHost()}, 1e-10).isEmpty());
    // Another output tensor: a different fingerprint.
    Tensor y2 = in.u({64, 16});
    rec->begin();
    ops(y2);
    QVERIFY(!rec->end());
    // A read inside: the rest runs eagerly, not replayable.
    rec->begin();
    ops(y2);
    (void)be->reduce(Reduce::Sum, z);
    be->scale(w, 2.0);
    QVERIFY(!rec->end());
    // cancel: nothing recorded runs
    const std::vector<double> before = w.toHost();
    rec->begin();
    be->scale(w, 3.0);
    rec->cancel();
    be->synchronize();
    QVERIFY(w.toHost() == before);
  }

  // Out of memory is a DeviceError naming the cause; the backend goes on working.
  void outOfMemory() {
    QString why;
    Backend* be = gpu(why);
    if (!be) QSKIP(qPrintable("no usable GPU: " + why));
    try {
      Tensor huge = be->empty({int64_t(1) << 48}, DType::F32);  // 1 PiB
      QFAIL("a 1 PiB tensor was allocated");
    } catch (const DeviceError& e) {
      QVERIFY2(QString(e.what()).contains("out of GPU memory"), e.what());
      QVERIFY(!e.deviceLost());
    }
    In in(*be, 1);
    Tensor t = in.u({100});
    QCOMPARE(be->reduce(Reduce::Sum, t),
             cpuBackend().reduce(Reduce::Sum, In(cpuBackend(), 1).u({100})));
  }

  // A kernel finding a bad class index reports it at the next synchronisation, as an Error.
  void badTargetsAreReported() {
    QString why;
    Backend* be = gpu(why);
    if (!be) QSKIP(qPrintable("no usable GPU: " + why));
    In in(*be, 2);
    Tensor pred = in.u({4, 3}), target = in.fromValues({4}, {0, 1, 7, 2}),
           value = be->zeros({1}, DType::F32);
    be->loss(LossKind::CrossEntropy, pred, target, value, nullptr);
    try {
      be->readScalar(value);
      QFAIL("an invalid class index went unnoticed");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("row 2") && QString(e.what()).contains("[0, 3)"),
               e.what());
    }
    be->synchronize();  // reported once; the backend goes on
    // Many bad rows (fractional, NaN, too large): one of them is reported, its own value with
    // its own row — never one row's index with another's value.
    Tensor pred2 = in.u({300, 3}), value2 = be->zeros({1}, DType::F32);
    std::vector<double> t(300, 1.0);
    for (int r = 10; r < 300; r += 3) t[size_t(r)] = r % 2 ? 1.5 : 100.0 + r;
    t[11] = std::nan("");
    Tensor target2 = in.fromValues({300}, t);
    be->loss(LossKind::CrossEntropy, pred2, target2, value2, nullptr);
    try {
      be->readScalar(value2);
      QFAIL("invalid class indices went unnoticed");
    } catch (const Error& e) {
      const QString m = e.what();
      const QRegularExpression re("target (\\S+) in row (\\d+)");
      const auto match = re.match(m);
      QVERIFY2(match.hasMatch(), e.what());
      const int row = match.captured(2).toInt();
      const double v = match.captured(1).toDouble();
      QVERIFY2(row >= 10 && row < 300, e.what());
      QVERIFY2((std::isnan(t[size_t(row)]) && match.captured(1).contains("nan")) ||
                   std::abs(v - t[size_t(row)]) < 1e-3,
               e.what());
    }
    be->synchronize();
  }

  void f64IsRefused() {
    QString why;
    Backend* be = gpu(why);
    if (!be) QSKIP(qPrintable("no usable GPU: " + why));
    QVERIFY(!be->supports(DType::F64));
    QVERIFY_THROWS_EXCEPTION(Error, be->empty({3}, DType::F64));
  }
};

QTEST_GUILESS_MAIN(TestBackendOps)
#include "tst_backend_ops.moc"
