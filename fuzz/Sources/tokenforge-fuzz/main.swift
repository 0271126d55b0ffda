import FuzzHarnesses
import Foundation

/// The target named by TOKENFORGE_FUZZ_TARGET.
let name = ProcessInfo.processInfo.environment["TOKENFORGE_FUZZ_TARGET"] ?? ""
guard let target = FuzzTarget.named(name) else {
    let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("set TOKENFORGE_FUZZ_TARGET to one of: \(names)\n".utf8))
    exit(64)
}
let selected = target

/// libFuzzer's driver, from the runtime `-sanitize=fuzzer` links in (SwiftPM gives the executable
/// its own `main`, so libFuzzer's is not used).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argumentCount = CommandLine.argc
var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(
    runFuzzerDriver(&argumentCount, &arguments) { data, size in
        selected.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    })
