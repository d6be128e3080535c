// The `licet` Python module (pybind11 over licet.hpp): what a Python application needs to enforce
// its license.
//
//   import licet
//   with licet.open(catalog="acme-studio-5") as inst:
//       st = inst.check()
//       if st.coarse == "grace": print(f"{st.minutes_left} minutes left")
//       if inst.feature_enabled("export-pdf"): ...
//
// Errors raise licet.LicetError (code, symbol, message).
#include <pybind11/eval.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "licet/licet.hpp"

namespace py = pybind11;

namespace {

PyObject* g_licet_error = nullptr;

[[noreturn]] void Raise(const licet::sdk::Error& e) {
  py::object error_type = py::reinterpret_borrow<py::object>(g_licet_error);
  py::object instance = error_type(e.code, e.symbol(), e.message);
  PyErr_SetObject(g_licet_error, instance.ptr());
  throw py::error_already_set();
}

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string item(text.substr(0, comma));
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// An opened installation; `close()` or leaving a `with` block releases it.
class PyInstallation {
 public:
  explicit PyInstallation(licet::sdk::Installation inst) : inst_(std::move(inst)) {}

  licet::sdk::State Check() const {
    licet::sdk::StatusOr<licet::sdk::State> st = Get().Check();
    if (!st.ok()) Raise(st.error());
    return *st;
  }
  void CheckFeature(const std::string& feature) const {
    const licet::sdk::Status s = Get().CheckFeature(feature);
    if (!s.ok()) Raise(s.error());
  }
  bool FeatureEnabled(const std::string& feature) const { return Get().CheckFeature(feature).ok(); }
  int ApplyPending() {
    licet::sdk::StatusOr<int> n = Get().ApplyPending();
    if (!n.ok()) Raise(n.error());
    return *n;
  }
  void Close() { inst_.reset(); }

 private:
  licet::sdk::Installation& Get() const {
    if (!inst_) {
      Raise(licet::sdk::Error{0x80070057u, "the installation is closed"});
    }
    return const_cast<licet::sdk::Installation&>(*inst_);
  }
  std::optional<licet::sdk::Installation> inst_;
};

PyInstallation Open(const std::string& catalog, const std::optional<std::string>& root,
                    const std::optional<std::string>& vendor_public_key, bool watch,
                    unsigned recheck_seconds) {
  licet::sdk::StatusOr<licet::sdk::Installation> inst =
      licet::sdk::Installation::Open({.root = root.value_or(""),
                                      .catalog = catalog,
                                      .vendor_public_key = vendor_public_key.value_or(""),
                                      .watch = watch,
                                      .recheck_seconds = recheck_seconds});
  if (!inst.ok()) Raise(inst.error());
  return PyInstallation(std::move(*inst));
}

}  // namespace

PYBIND11_MODULE(licet, m) {
  m.doc() = "Licet application SDK: check this installation's license and apply what it says.";
  m.attr("SDK_VERSION") = licet_sdk_version();

  py::object builtins = py::module_::import("builtins");
  py::dict ns;
  py::exec(R"(
class LicetError(Exception):
    """A Licet failure: .code (HRESULT-style int), .symbol, .message (what and how to fix it)."""
    def __init__(self, code, symbol, message):
        super().__init__(f"0x{code:08X} {symbol}: {message}")
        self.code = code
        self.symbol = symbol
        self.message = message
)",
           builtins.attr("__dict__"), ns);
  py::object error = ns["LicetError"];
  error.attr("__module__") = "licet";
  m.attr("LicetError") = error;
  g_licet_error = error.ptr();

  using licet::sdk::State;
  py::class_<State>(m, "State", "One license check: what the application must do now.")
      .def_property_readonly("status", [](const State& s) { return std::string(s.status_name()); })
      .def_property_readonly("status_code", [](const State& s) { return int(s.status()); })
      .def_property_readonly(
          "coarse", [](const State& s) { return std::string(licet_coarse_name(s.coarse())); })
      .def_property_readonly(
          "enforcement",
          [](const State& s) { return std::string(licet_enforcement_name(s.enforcement())); })
      .def_property_readonly("reason", &State::reason)
      .def_property_readonly("reason_symbol", &State::reason_symbol)
      .def_property_readonly("flags", [](const State& s) { return s.raw().flags; })
      .def_property_readonly("evaluation",
                             [](const State& s) { return s.has(LICET_FLAG_EVALUATION); })
      .def_property_readonly("clock_set_back",
                             [](const State& s) { return s.has(LICET_FLAG_CLOCK_SET_BACK); })
      .def_property_readonly("hardware_changed",
                             [](const State& s) { return s.has(LICET_FLAG_HARDWARE_CHANGED); })
      .def_property_readonly("tampered", [](const State& s) { return s.has(LICET_FLAG_TAMPERED); })
      .def_property_readonly("virtual_machine",
                             [](const State& s) { return s.has(LICET_FLAG_VIRTUAL_MACHINE); })
      .def_property_readonly("container",
                             [](const State& s) { return s.has(LICET_FLAG_CONTAINER); })
      .def_property_readonly("pending_changes",
                             [](const State& s) { return s.has(LICET_FLAG_PENDING_CHANGES); })
      .def_property_readonly("now", &State::now)
      .def_property_readonly("ends", &State::ends)
      .def_property_readonly("minutes_left", &State::minutes_left)
      .def_property_readonly("shutdown_interval_minutes", &State::shutdown_interval_minutes)
      .def_property_readonly("shutdown_at", &State::shutdown_at)
      .def_property_readonly("shutdown_due", &State::shutdown_due)
      .def_property_readonly("product_id",
                             [](const State& s) { return std::string(s.product_id()); })
      .def_property_readonly("product_name",
                             [](const State& s) { return std::string(s.product_name()); })
      .def_property_readonly("edition", [](const State& s) { return std::string(s.edition()); })
      .def_property_readonly("edition_name",
                             [](const State& s) { return std::string(s.edition_name()); })
      .def_property_readonly("channel", [](const State& s) { return std::string(s.channel()); })
      .def_property_readonly("features", [](const State& s) { return Split(s.features()); })
      .def_property_readonly("explanation",
                             [](const State& s) { return std::string(s.explanation()); })
      .def_property_readonly("changed_hardware",
                             [](const State& s) { return Split(s.changed_hardware()); })
      .def_property_readonly("virtualization",
                             [](const State& s) { return std::string(s.virtualization()); })
      .def("__repr__", [](const State& s) {
        return "<licet.State " + std::string(s.status_name()) + " " + std::string(s.edition()) +
               ">";
      });

  py::class_<PyInstallation>(m, "Installation", "An opened installation (use licet.open).")
      .def("check", &PyInstallation::Check, "The state now (cheap: call it often).")
      .def("check_feature", &PyInstallation::CheckFeature, py::arg("feature"),
           "Raises LicetError saying why the feature may not be used now.")
      .def("feature_enabled", &PyInstallation::FeatureEnabled, py::arg("feature"))
      .def("apply_pending", &PyInstallation::ApplyPending,
           "Applies staged changes (dism /Set-Edition, slmgr /rearm) at start; returns how many.")
      .def("close", &PyInstallation::Close)
      .def(
          "__enter__", [](PyInstallation& i) -> PyInstallation& { return i; },
          py::return_value_policy::reference)
      .def("__exit__", [](PyInstallation& i, py::args) { i.Close(); });

  m.def("open", &Open, py::arg("catalog"), py::arg("root") = py::none(),
        py::arg("vendor_public_key") = py::none(), py::arg("watch") = true,
        py::arg("recheck_seconds") = 0,
        "Opens the installation at `root` ($LICET_ROOT, else /var/lib/licet) for the "
        "application's catalog (product ID). `recheck_seconds`: how often a running application "
        "re-reads the hardware and raises its trusted-time mark (0: 60).");
}
