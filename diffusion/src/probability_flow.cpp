/// \file probability_flow.cpp
/// \brief The ODE solve of probability_flow.hpp, compiled once: the only translation
/// unit of ito::diffusion that parses Boost.Odeint and instantiates its steppers.
#include "ito/diffusion/probability_flow.hpp"

#include <boost/numeric/odeint/integrate/integrate_times.hpp>
#include <boost/numeric/odeint/stepper/generation.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta4.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>

namespace ito::diffusion::detail {

void integrate_flat_ode(const std::function<void(const std::vector<double>&, std::vector<double>&, double)>& sys,
                        std::vector<double>& y, const std::vector<double>& ts, double dt, const ode_options& opt,
                        const std::function<void(const std::vector<double>&, double)>& obs) {
  namespace odeint = boost::numeric::odeint;
  using state = std::vector<double>;
  if (opt.adaptive) {
    // Dormand-Prince 5(4) with dense output: the requested times are interpolated,
    // not stepped to, so they do not shorten the steps.
    auto stepper = odeint::make_dense_output(opt.atol, opt.rtol, odeint::runge_kutta_dopri5<state>());
    odeint::integrate_times(stepper, sys, y, ts.begin(), ts.end(), dt, obs);
  } else {
    odeint::runge_kutta4<state> stepper;
    odeint::integrate_times(stepper, sys, y, ts.begin(), ts.end(), dt, obs);
  }
}

}  // namespace ito::diffusion::detail
