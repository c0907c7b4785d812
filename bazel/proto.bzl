"""C++ protobuf and gRPC code generation with the system protoc.

switchboard_cc_proto_library(name, srcs, grpc_srcs, deps, alwayslink) runs
protoc (and the gRPC C++ plugin for grpc_srcs) on .proto files and wraps the
generated code in a cc_library called `name`.

Each .proto is compiled relative to the root of the package that owns it, so
proto/switchboard/v1/event.proto (package //proto) becomes
"switchboard/v1/event.pb.h", the path CMake uses too, and
@grpc_proto//:grpc/health/v1/health.proto becomes "grpc/health/v1/health.pb.h".
The generated files land in this package's output directory, which the
library puts on the include path (`includes = ["."]`).

The compilers are the wrappers //bazel/system:protoc and
//bazel/system:grpc_cpp_plugin (Debian's /usr/bin/protoc and
/usr/bin/grpc_cpp_plugin). A monorepo that builds its own protobuf and gRPC
replaces this macro with proto_library + cc_proto_library + cc_grpc_library
(see the README, "Building with Bazel").
"""

def _proto_name(src):
    # The path protoc sees: relative to the root of the package owning src.
    return src.owner.name

def _proto_root(src):
    name = _proto_name(src)
    root = src.path[:-len(name)].rstrip("/")
    return root if root else "."

def _generated(proto_name, grpc):
    base = proto_name[:-len(".proto")]
    outs = [base + ".pb.h", base + ".pb.cc"]
    if grpc:
        outs += [base + ".grpc.pb.h", base + ".grpc.pb.cc"]
    return outs

def _protoc_cc_impl(ctx):
    out_dir = ctx.bin_dir.path
    if ctx.label.workspace_root:
        out_dir += "/" + ctx.label.workspace_root
    if ctx.label.package:
        out_dir += "/" + ctx.label.package
    by_path = {f.short_path: f for f in ctx.outputs.outs}
    prefix = ctx.label.package + "/" if ctx.label.package else ""
    if ctx.label.workspace_root:
        prefix = "../" + ctx.label.workspace_name + "/" + prefix

    roots = {}
    for src in ctx.files.srcs + ctx.files.grpc_srcs + ctx.files.imports:
        roots[_proto_root(src)] = True
    include_args = ["-I" + root for root in roots.keys()]

    for grpc, srcs in [(False, ctx.files.srcs), (True, ctx.files.grpc_srcs)]:
        for src in srcs:
            outputs = [by_path[prefix + out] for out in _generated(_proto_name(src), grpc)]
            args = ctx.actions.args()
            args.add_all(include_args)
            args.add("--cpp_out=" + out_dir)
            tools = [ctx.executable._protoc]
            if grpc:
                args.add("--grpc_out=" + out_dir)
                args.add("--plugin=protoc-gen-grpc=" + ctx.executable._grpc_cpp_plugin.path)
                tools.append(ctx.executable._grpc_cpp_plugin)
            args.add(src.path)
            ctx.actions.run(
                executable = ctx.executable._protoc,
                arguments = [args],
                inputs = ctx.files.srcs + ctx.files.grpc_srcs + ctx.files.imports,
                tools = tools,
                outputs = outputs,
                mnemonic = "ProtocCc",
                progress_message = "protoc %s" % _proto_name(src),
            )
    return [DefaultInfo(files = depset(ctx.outputs.outs))]

_protoc_cc = rule(
    implementation = _protoc_cc_impl,
    attrs = {
        "srcs": attr.label_list(allow_files = [".proto"]),
        "grpc_srcs": attr.label_list(allow_files = [".proto"]),
        # .proto files imported by srcs but compiled elsewhere.
        "imports": attr.label_list(allow_files = [".proto"]),
        "outs": attr.output_list(),
        "_protoc": attr.label(
            default = "//bazel/system:protoc",
            executable = True,
            cfg = "exec",
        ),
        "_grpc_cpp_plugin": attr.label(
            default = "//bazel/system:grpc_cpp_plugin",
            executable = True,
            cfg = "exec",
        ),
    },
)

def switchboard_cc_proto_library(name, srcs = [], grpc_srcs = [], imports = [], deps = [], **kwargs):
    """Generated C++ (and gRPC C++ for grpc_srcs) code as a cc_library.

    Args:
      name: the cc_library.
      srcs: .proto files, each compiled to .pb.h/.pb.cc. Source files must sit
        in this package; a label of another repository's file is allowed
        (its path inside that repository is the import path).
      grpc_srcs: .proto files that also get .grpc.pb.h/.grpc.pb.cc.
      imports: .proto files that srcs import but that are generated elsewhere.
      deps: cc deps of the generated code (protobuf, grpc, other proto libs).
      **kwargs: passed to the cc_library (visibility, alwayslink, ...).
    """
    outs = []
    for grpc, protos in [(False, srcs), (True, grpc_srcs)]:
        for src in protos:
            # A label "@repo//:a/b.proto" or "a/b.proto" names the file "a/b.proto".
            proto_name = src.split(":")[-1] if ":" in src else src
            outs += _generated(proto_name, grpc)
    _protoc_cc(
        name = name + "_codegen",
        srcs = srcs,
        grpc_srcs = grpc_srcs,
        imports = imports,
        outs = outs,
        visibility = ["//visibility:private"],
    )
    native.cc_library(
        name = name,
        srcs = [out for out in outs if out.endswith(".cc")],
        hdrs = [out for out in outs if out.endswith(".h")],
        includes = ["."],
        linkstatic = True,  # a static archive only, no .so (see .bazelrc)
        deps = deps,
        **kwargs
    )
