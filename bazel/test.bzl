"""switchboard_cc_test: one GoogleTest binary, like CMake's switchboard_test()."""

def runfiles_path(path):
    """The path of this repository's file `path`, relative to a test's working
    directory (the runfiles of the main repository)."""
    repo = native.repository_name()
    if repo in ("@", ""):
        return path
    return "../%s/%s" % (repo.lstrip("@"), path)

# tests/fixtures/justcall, the reference payloads (CMake: SWITCHBOARD_FIXTURES_DIR),
# with JustCall's official v2.1 samples in its v2.1/ folder.
FIXTURES_DIR = "tests/fixtures/justcall"

def switchboard_cc_test(name, srcs, deps = [], data = [], local_defines = [], size = "small", **kwargs):
    """A cc_test linked with gtest, gmock and gtest_main, with
    SWITCHBOARD_FIXTURES_DIR defined to the fixtures in its runfiles.
    Small (a one-minute timeout; each suite takes seconds) unless told otherwise."""
    native.cc_test(
        name = name,
        size = size,
        srcs = srcs,
        deps = deps + ["//bazel/system:gtest_main"],
        data = data + ["//tests:fixtures", "//tests:official_fixtures"],
        local_defines = local_defines + [
            'SWITCHBOARD_FIXTURES_DIR=\\"%s\\"' % runfiles_path(FIXTURES_DIR),
        ],
        **kwargs
    )
