# Sourced by the cli tests that run `ito` under MPI (after `ito=$1`): exits 77 (counted as
# skipped by ctest) when ito was built without MPI (`ito mpi-info` prints {"mpi": false, ...})
# or mpirun is missing; otherwise sets mpi=(mpirun --oversubscribe [--allow-run-as-root]).
if ! "$ito" mpi-info | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["mpi"] else 1)'; then
  echo "SKIP: MPI not built (configure with -DITO_WITH_MPI=ON and Open MPI installed)"
  exit 77
fi
command -v mpirun >/dev/null || { echo "SKIP: MPI built but mpirun not found"; exit 77; }
mpi=(mpirun --oversubscribe)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
