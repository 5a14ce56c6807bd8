"""The teaching notebook runs top to bottom without an error (nbclient, python3 kernel)."""
import os

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_forward_reverse_notebook_executes(source_dir, tmp_path, monkeypatch):
    path = source_dir / "examples" / "notebooks" / "forward_reverse.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    # the kernel inherits PYTHONPATH (build/python) and uses this interpreter's ipykernel
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    import ito  # the kernel imports the same build (an absolute path: the kernel runs in tmp_path)
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(ito.__file__)))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([package_parent, os.environ.get("PYTHONPATH", "")]))
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError if any cell raises
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # the inline figures were drawn
