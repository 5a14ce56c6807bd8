// The compute floor of benchmarks W2/W3 (issue 5, sec. 5): Eigen's float
// matrix-product rate at the shapes of the reference score network, and the
// network's own forward / training-step rate. floor = FLOPs of a step divided by
// the product rate; bench/run_all.sh and docs/score-network.md report how close the
// mlp gets to it. Counters: GFLOP/s ("flops", per second of real time).
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <ito/diffusion/nn/mlp.hpp>

namespace {

using mat = Eigen::MatrixXf;

// C (m x n) = A (m x k) * B (k x n), as in a layer's forward (k = fan-in, n = batch).
// Products through nn::product with persistent packing buffers, as the network runs them.
void BM_gemm(benchmark::State& st) {
  ito::diffusion::nn::product_buffers<float> buf;
  const Eigen::Index m = st.range(0), k = st.range(1), n = st.range(2);
  mat A = mat::Random(m, k), B = mat::Random(k, n), C(m, n);
  for (auto _ : st) {
    ito::diffusion::nn::product(C, A, B, buf);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  st.counters["flops"] = benchmark::Counter(2.0 * double(m * k * n), benchmark::Counter::kIsIterationInvariantRate);
}
// weight gradient: (m x n) * (k x n)^T, inner dimension = batch
void BM_gemm_nt(benchmark::State& st) {
  ito::diffusion::nn::product_buffers<float> buf;
  const Eigen::Index m = st.range(0), k = st.range(1), n = st.range(2);
  mat A = mat::Random(m, n), B = mat::Random(k, n), C(m, k);
  for (auto _ : st) {
    ito::diffusion::nn::product(C, A, B.transpose(), buf);
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  st.counters["flops"] = benchmark::Counter(2.0 * double(m * k * n), benchmark::Counter::kIsIterationInvariantRate);
}

double net_flops(const ito::diffusion::nn::mlp_config& c) {
  double f = 0;
  for (Eigen::Index l = 0; l <= c.depth; ++l) f += 2.0 * double(c.layer_in(l) * c.layer_out(l));
  return f;
}

// the reference network's inference on N columns (one thread), as in sampling
void BM_mlp_forward(benchmark::State& st) {
  ito::diffusion::nn::mlp_config c;
  c.x_frequencies = 0;  // the reference network 2 + 32 -> 128 x 3 -> 2
  ito::diffusion::nn::mlp<float> net(c, unsigned(st.range(1)));
  const Eigen::Index n = st.range(0);
  mat X = mat::Random(2, n), out;
  for (auto _ : st) {
    net(X, 0.5f, out);
    benchmark::DoNotOptimize(out.data());
  }
  st.counters["flops"] = benchmark::Counter(net_flops(c) * double(n), benchmark::Counter::kIsIterationInvariantRate);
}

// forward + backward at batch N (no optimizer)
void BM_mlp_forward_backward(benchmark::State& st) {
  ito::diffusion::nn::mlp_config c;
  c.x_frequencies = 0;  // the reference network 2 + 32 -> 128 x 3 -> 2
  ito::diffusion::nn::mlp<float> net(c, unsigned(st.range(1)));
  const Eigen::Index n = st.range(0);
  mat X = mat::Random(2, n), R = mat::Random(2, n), out;
  Eigen::RowVectorXf t = Eigen::RowVectorXf::Constant(n, 0.5f);
  for (auto _ : st) {
    net.forward(X, t, out);
    net.backward(R);
    benchmark::DoNotOptimize(net.grad().data());
  }
  const double f = net_flops(c) * 3 - 2.0 * double(c.layer_in(0) * c.width);
  st.counters["flops"] = benchmark::Counter(f * double(n), benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_gemm)->Args({128, 34, 512})->Args({128, 128, 512})->Args({128, 128, 256})->Args({128, 128, 5000})
    ->UseRealTime();
BENCHMARK(BM_gemm_nt)->Args({128, 128, 512})->Args({128, 128, 256})->UseRealTime();
BENCHMARK(BM_mlp_forward)->Args({512, 1})->Args({10000, 1})->Args({10000, 2})->UseRealTime();
BENCHMARK(BM_mlp_forward_backward)->Args({512, 1})->Args({512, 2})->UseRealTime();
BENCHMARK_MAIN();
