// ito mpi-info: was this ito built with MPI, and how is it running? Used by
// tests/cli/mpi_simulate.sh to skip when MPI is not built, and on a cluster to
// check a launch: `mpirun -np 4 ito mpi-info` prints {"mpi": true, "ranks": 4, ...}.
#include <iostream>
#include <nlohmann/json.hpp>

#include "registry.hpp"
#include "solve_dispatch.hpp"

namespace cmd_mpi_info {
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
// Start MPI (when launched by mpirun) before main parses anything, so that
// only rank 0 prints, argument errors included.
[[maybe_unused]] const bool mpi_started = (ito::cli::detail::mpi_session(), true);
#endif

const bool registered = ito::cli::add_command([](CLI::App& app) {
  auto* sub = app.add_subcommand("mpi-info", "Print (JSON) whether ito was built with MPI and the ranks it runs on");
  return ito::cli::command{sub, []() {
    nlohmann::json j{{"mpi", ito::cli::built_with_mpi},
                     {"launched_by_mpi", ito::cli::launched_by_mpi()},
                     {"ranks", ito::cli::world_size()}};
#if defined(ITO_WITH_MPI) && ITO_WITH_MPI
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(version, &len);
    std::string v(version, std::size_t(len));
    j["library"] = v.substr(0, v.find_first_of(",\n"));
#endif
    if (ito::cli::is_root()) std::cout << j.dump() << '\n';
    return 0;
  }};
});
}  // namespace cmd_mpi_info
