// The extension module ito._ito: exception types, then each area's bindings.
#include "common.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_ito, m) {
  m.doc() = "ito: stochastic differential equations and diffusion models (C++ library bindings).";

  // ito::numerical_error (a blow-up: NaN/inf state) -> ito.NumericalError (an ArithmeticError);
  // ito::format_error (a corrupt or foreign file) -> ito.FormatError (an OSError and a ValueError);
  // ito::io_error -> OSError; ito::invalid_argument -> ValueError (pybind11's default for
  // std::invalid_argument, with the library's message naming the argument).
  static py::exception<ito::numerical_error> numerical(m, "NumericalError", PyExc_ArithmeticError);
  numerical.doc() = "A numerical blow-up (non-finite state) in a solve or sampler; the message names step, time, path.";
  py::object format_bases = py::make_tuple(py::handle(PyExc_OSError), py::handle(PyExc_ValueError));
  // Leaked on purpose: it must outlive the interpreter's module teardown.
  static PyObject* format_error = PyErr_NewException("ito.FormatError", format_bases.ptr(), nullptr);
  m.attr("FormatError") = py::handle(format_error);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ito::numerical_error& e) {
      numerical(e.what());
    } catch (const ito::format_error& e) {
      PyErr_SetString(format_error, e.what());
    } catch (const ito::io_error& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const ito::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  ito::python::init_core(m);
  ito::python::init_studies(m);
  ito::python::init_validate(m);
  ito::python::init_mlmc(m);
  ito::python::init_forward(m);
  ito::python::init_sample(m);
  ito::python::init_train(m);
}
