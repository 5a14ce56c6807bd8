/// \file moments.cpp
/// \brief The moment equations (moments.hpp), compiled once: the only translation
/// unit of ito::sde that parses Boost.Odeint and instantiates its dense-output dopri5.
#include "ito/sde/moments.hpp"

#include <boost/numeric/odeint/integrate/integrate_adaptive.hpp>
#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>

namespace ito::sde {

namespace detail {
std::vector<gaussian_moments> integrate_moment_equations(const std::function<Eigen::MatrixXd(double)>& A,
                                                         const std::function<Eigen::VectorXd(double)>& a,
                                                         const std::function<Eigen::MatrixXd(double)>& B,
                                                         const Eigen::VectorXd& m0, const Eigen::MatrixXd& P0,
                                                         double t0, const std::vector<double>& times,
                                                         const moment_options& opt) {
  const index_t d = m0.size();
  require(P0.rows() == d && P0.cols() == d, "P0 rows", P0.rows(), "d x d, d = " + std::to_string(d));
  require(!times.empty(), "times", "empty", "at least one time");
  for (std::size_t i = 0; i < times.size(); ++i)
    require(times[i] >= (i ? times[i - 1] : t0), "times[" + std::to_string(i) + "]", times[i],
            "increasing times >= t0");
  using state = std::vector<double>;
  // dm/dt = A m + a, dP/dt = A P + P A^T + B B^T (Särkkä & Solin 2019, eqs. 6.2-6.3)
  auto rhs = [&](const state& y, state& dy, double t) {
    Eigen::Map<const Eigen::VectorXd> m(y.data(), d);
    Eigen::Map<const Eigen::MatrixXd> P(y.data() + d, d, d);
    Eigen::Map<Eigen::VectorXd> dm(dy.data(), d);
    Eigen::Map<Eigen::MatrixXd> dP(dy.data() + d, d, d);
    const Eigen::MatrixXd At = A(t);
    const Eigen::MatrixXd Bt = B(t);
    dm = At * m + a(t);
    dP = At * P + P * At.transpose() + Bt * Bt.transpose();
  };
  state y(std::size_t(d + d * d));
  Eigen::Map<Eigen::VectorXd>(y.data(), d) = m0;
  Eigen::Map<Eigen::MatrixXd>(y.data() + d, d, d) = P0;
  namespace oi = boost::numeric::odeint;
  auto stepper = oi::make_dense_output(opt.abs_tol, opt.rel_tol, oi::runge_kutta_dopri5<state>());
  std::vector<gaussian_moments> out;
  double t = t0;
  for (double target : times) {
    if (target > t) {
      oi::integrate_adaptive(stepper, rhs, y, t, target, std::min(opt.initial_dt, target - t));
      t = target;
    }
    gaussian_moments g;
    g.mean = Eigen::Map<const Eigen::VectorXd>(y.data(), d);
    const Eigen::MatrixXd P = Eigen::Map<const Eigen::MatrixXd>(y.data() + d, d, d);
    g.cov = 0.5 * (P + P.transpose());
    out.push_back(std::move(g));
  }
  return out;
}
}  // namespace detail

std::vector<gaussian_moments> linear_sde_moments(const Eigen::MatrixXd& A, const Eigen::VectorXd& a,
                                                 const Eigen::MatrixXd& B, const Eigen::VectorXd& m0,
                                                 const Eigen::MatrixXd& P0, double t0,
                                                 const std::vector<double>& times,
                                                 const moment_options& opt) {
  detail::require(A.rows() == m0.size() && A.cols() == m0.size(), "A rows", A.rows(), "d x d");
  detail::require(a.size() == m0.size() && B.rows() == m0.size(), "a/B rows", B.rows(), "d");
  return linear_sde_moments([&](double) -> const Eigen::MatrixXd& { return A; },
                            [&](double) -> const Eigen::VectorXd& { return a; },
                            [&](double) -> const Eigen::MatrixXd& { return B; }, m0, P0, t0, times, opt);
}

std::vector<gaussian_moments> ou_moments_ode(const multivariate_ou& ou, const Eigen::VectorXd& m0,
                                             const Eigen::MatrixXd& P0, double t0,
                                             const std::vector<double>& times,
                                             const moment_options& opt) {
  return linear_sde_moments(Eigen::MatrixXd(-ou.Theta), Eigen::VectorXd(ou.Theta * ou.mu), ou.B, m0, P0, t0,
                            times, opt);
}

}  // namespace ito::sde
