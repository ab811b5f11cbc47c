"""Input and output shared by the mask fixture generators (make-*-vectors.py): load a reference implementation's
source file by path (so that its package need not be installed) and write a JSON fixture next to the format tests."""
import hashlib
import importlib.util
import json
import os

MASK_FIXTURE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'formats', '__fixtures__')


def load_module_by_path(path, module_name):
    """Imports the Python file at `path`; returns (module, sha256 hex digest of the file)."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(path, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return module, digest


def write_mask_fixture(file_name, content):
    """Writes `content` as compact JSON plus a newline to src/formats/__fixtures__/<file_name>; returns the path."""
    target = os.path.normpath(os.path.join(MASK_FIXTURE_DIR, file_name))
    with open(target, 'w') as f:
        json.dump(content, f, separators=(',', ':'))
        f.write('\n')
    return target
