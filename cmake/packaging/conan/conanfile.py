# Conan 2 recipe for hl7v2, built from the checkout it lives in (cmake/packaging/conan/):
#   conan create cmake/packaging/conan
# Header-only: the package is the headers and the licence; CMakeDeps and PkgConfigDeps describe it
# to consumers from package_info() (hl7v2::core, the tokenizer with no dependency; hl7v2::hl7v2,
# everything, with simdjson; hl7v2::fmt, hl7v2/fmt.hpp's formatters, with fmt, when with_fmt is on). tests/packaging/ runs this recipe's methods with stand-ins for Conan's
# tools and checks what it installs.
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir

required_conan_version = ">=2.0"


class Hl7v2Conan(ConanFile):
    name = "hl7v2"
    description = "Header-only C++20 HL7 v2 ER7 parser and JSON converter"
    license = "MIT"
    topics = ("hl7", "hl7v2", "healthcare", "parser", "json", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    # simdjson reads JSON (profiles, JSON -> ER7): only hl7v2::hl7v2 needs it. fmt: only hl7v2/fmt.hpp.
    options = {"with_simdjson": [True, False], "with_fmt": [True, False]}
    default_options = {"with_simdjson": True, "with_fmt": False}
    no_copy_source = True

    @property
    def _checkout(self):
        return os.path.join(self.recipe_folder, "..", "..", "..")

    def set_version(self):
        cmakelists = load(self, os.path.join(self._checkout, "CMakeLists.txt"))
        self.version = re.search(r"project\(hl7v2 VERSION ([0-9.]+)", cmakelists).group(1)

    def export_sources(self):
        # What a configure that only installs reads: the build script, its templates, the headers.
        for pattern in ("CMakeLists.txt", "LICENSE", "include/*", "cmake/*.in", "cmake/packaging/deb.cmake",
                        "cmake/packaging/debian/*"):
            copy(self, pattern, src=self._checkout, dst=self.export_sources_folder)

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        if self.options.with_simdjson:
            self.requires("simdjson/[>=3.0 <4]")
        if self.options.with_fmt:
            self.requires("fmt/[>=9]")

    def package_id(self):
        # Headers only: one package for every configuration; the option changes requirements only.
        self.info.clear()

    def validate(self):
        check_min_cppstd(self, 20)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.variables["HL7V2_BUILD_TESTS"] = False
        tc.variables["HL7V2_BUILD_BENCH"] = False
        tc.variables["HL7V2_BUILD_EXAMPLES"] = False
        tc.variables["HL7V2_INSTALL"] = True
        tc.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder, dst=os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        # Consumers get their CMake and pkg-config files from CMakeDeps/PkgConfigDeps instead.
        rmdir(self, os.path.join(self.package_folder, "share"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "hl7v2")
        self.cpp_info.set_property("cmake_target_name", "hl7v2::hl7v2")
        self.cpp_info.set_property("pkg_config_name", "hl7v2")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

        core = self.cpp_info.components["core"]
        core.set_property("cmake_target_name", "hl7v2::core")
        core.set_property("pkg_config_name", "hl7v2-core")
        core.bindirs = []
        core.libdirs = []
        if self.options.with_simdjson:
            json = self.cpp_info.components["json"]
            json.requires = ["core", "simdjson::simdjson"]
            json.bindirs = []
            json.libdirs = []
        if self.options.with_fmt:
            fmt = self.cpp_info.components["fmt"]
            fmt.set_property("cmake_target_name", "hl7v2::fmt")
            fmt.set_property("pkg_config_name", "hl7v2-fmt")
            fmt.requires = ["core", "fmt::fmt"]
            fmt.bindirs = []
            fmt.libdirs = []
