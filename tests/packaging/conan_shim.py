#!/usr/bin/env python3
"""Runs the Conan recipe (cmake/packaging/conan/conanfile.py) the way `conan create` calls it, with
stand-ins for the few Conan tools it uses, since Conan itself cannot be installed here.

usage: conan_shim.py RECIPE_DIR WORK_DIR [--without-simdjson] [--with-fmt] [--cmake CMAKE]

The stand-ins do the real work where the work is not Conan's own: copy() copies, rmdir() removes,
CMake.configure() runs cmake with the variables the recipe put in CMakeToolchain, CMake.install()
runs `cmake --install` into the package folder. What is Conan's own (resolving requirements, the
toolchain file, CMakeDeps) is recorded, not done. Prints one JSON object: the folders, the CMake
variables, the requirements and what package_info() declared. Exits non-zero when the recipe does
not load or a method fails.
"""
import argparse
import fnmatch
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import types


class Recorder:
    cmake_variables = None
    requires = []
    min_cppstd = None
    info_cleared = False


def _copy(conanfile, pattern, src, dst, keep_path=True, excludes=None):
    # Conan's copy(): fnmatch on paths relative to src, so "include/*" takes the whole tree.
    copied = []
    for root, _dirs, files in os.walk(src):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, src)
            if not fnmatch.fnmatch(rel, pattern):
                continue
            if excludes and any(fnmatch.fnmatch(rel, e) for e in excludes):
                continue
            target = os.path.join(dst, rel if keep_path else name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target)
    return copied


def _rmdir(conanfile, path):
    shutil.rmtree(path, ignore_errors=True)


def _load(conanfile, path, encoding="utf-8"):
    with open(path, encoding=encoding) as f:
        return f.read()


class _CMakeToolchain:
    def __init__(self, conanfile):
        self.variables = {}
        self.cache_variables = {}

    def generate(self):
        Recorder.cmake_variables = {**self.variables, **self.cache_variables}


def _cmake_value(v):
    if isinstance(v, bool):
        return "ON" if v else "OFF"
    return str(v)


class _CMake:
    cmake = "cmake"

    def __init__(self, conanfile):
        self._cf = conanfile

    def configure(self, variables=None):
        args = [self.cmake, "-S", self._cf.source_folder, "-B", self._cf.build_folder,
                "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_INSTALL_PREFIX={self._cf.package_folder}"]
        for k, v in {**(Recorder.cmake_variables or {}), **(variables or {})}.items():
            args.append(f"-D{k}={_cmake_value(v)}")
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)

    def build(self, target=None):
        subprocess.run([self.cmake, "--build", self._cf.build_folder], check=True, stdout=subprocess.DEVNULL)

    def install(self):
        subprocess.run([self.cmake, "--install", self._cf.build_folder, "--prefix", self._cf.package_folder],
                       check=True, stdout=subprocess.DEVNULL)


def _cmake_layout(conanfile, src_folder="."):
    conanfile.layout_called = True


def _check_min_cppstd(conanfile, version):
    Recorder.min_cppstd = str(version)


class _Options:
    def __init__(self, values):
        self.__dict__.update(values)


class _Component:
    def __init__(self):
        self.properties = {}
        self.requires = []
        self.includedirs = ["include"]
        self.bindirs = ["bin"]
        self.libdirs = ["lib"]
        self.libs = []
        self.defines = []

    def set_property(self, key, value):
        self.properties[key] = value

    def describe(self):
        return {"properties": self.properties, "requires": self.requires, "includedirs": self.includedirs,
                "bindirs": self.bindirs, "libdirs": self.libdirs, "libs": self.libs, "defines": self.defines}


class _Components(dict):
    def __missing__(self, key):  # cpp_info.components["x"] creates the component, as in Conan
        self[key] = _Component()
        return self[key]


class _CppInfo(_Component):
    def __init__(self):
        super().__init__()
        self.components = _Components()


class _Info:
    def clear(self):
        Recorder.info_cleared = True


class _ConanFile:
    def requires(self, ref, **kwargs):
        Recorder.requires.append(ref)


def install_stubs():
    conan = types.ModuleType("conan")
    conan.ConanFile = _ConanFile
    tools = types.ModuleType("conan.tools")
    build = types.ModuleType("conan.tools.build")
    build.check_min_cppstd = _check_min_cppstd
    build.can_run = lambda conanfile: True
    cmake = types.ModuleType("conan.tools.cmake")
    cmake.CMake, cmake.CMakeToolchain, cmake.cmake_layout = _CMake, _CMakeToolchain, _cmake_layout
    files = types.ModuleType("conan.tools.files")
    files.copy, files.rmdir, files.load = _copy, _rmdir, _load
    conan.tools = tools
    tools.build, tools.cmake, tools.files = build, cmake, files
    for name, module in (("conan", conan), ("conan.tools", tools), ("conan.tools.build", build),
                         ("conan.tools.cmake", cmake), ("conan.tools.files", files)):
        sys.modules[name] = module


def main():
    sys.dont_write_bytecode = True  # nothing written beside the recipe
    ap = argparse.ArgumentParser()
    ap.add_argument("recipe_dir")
    ap.add_argument("work_dir")
    ap.add_argument("--without-simdjson", action="store_true")
    ap.add_argument("--with-fmt", action="store_true")
    ap.add_argument("--cmake", default="cmake")
    a = ap.parse_args()
    _CMake.cmake = a.cmake
    install_stubs()

    spec = importlib.util.spec_from_file_location("conanfile", os.path.join(a.recipe_dir, "conanfile.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    recipes = [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, _ConanFile) and v is not _ConanFile]
    if len(recipes) != 1:
        sys.exit(f"conan_shim: expected one ConanFile class in the recipe, found {len(recipes)}")
    cls = recipes[0]

    # conan create: export (set_version, export_sources), then requirements, layout, generate, build,
    # package, package_info; package_id and validate as Conan calls them for the binary's identity.
    cf = cls()
    cf.recipe_folder = os.path.abspath(a.recipe_dir)
    work = os.path.abspath(a.work_dir)
    cf.export_sources_folder = os.path.join(work, "export_source")
    cf.source_folder = cf.export_sources_folder
    cf.build_folder = os.path.join(work, "build")
    cf.package_folder = os.path.join(work, "package")
    cf.options = _Options({**getattr(cls, "default_options", {}),
                           **({"with_simdjson": False} if a.without_simdjson else {}),
                           **({"with_fmt": True} if a.with_fmt else {})})
    cf.settings = None
    cf.info = _Info()
    cf.cpp_info = _CppInfo()
    if hasattr(cf, "set_version"):
        cf.set_version()
    if hasattr(cf, "export_sources"):
        cf.export_sources()
    for step in ("requirements", "layout", "package_id", "validate", "generate", "build", "package",
                 "package_info"):
        if hasattr(cf, step):
            getattr(cf, step)()

    print(json.dumps({
        "name": getattr(cls, "name", None),
        "version": getattr(cf, "version", None),
        "license": getattr(cls, "license", None),
        "package_type": getattr(cls, "package_type", None),
        "no_copy_source": getattr(cls, "no_copy_source", False),
        "export_sources_folder": cf.export_sources_folder,
        "build_folder": cf.build_folder,
        "package_folder": cf.package_folder,
        "cmake_variables": {k: _cmake_value(v) for k, v in (Recorder.cmake_variables or {}).items()},
        "requires": Recorder.requires,
        "min_cppstd": Recorder.min_cppstd,
        "info_cleared": Recorder.info_cleared,
        "cpp_info": {**cf.cpp_info.describe(),
                     "components": {k: c.describe() for k, c in cf.cpp_info.components.items()}},
    }, indent=1))


if __name__ == "__main__":
    main()
