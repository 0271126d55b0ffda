import Foundation

/// The run directories an exports directory holds (`2026-12-03T172800Z`, `…Z-2`), in run order.
public enum ExportDirectories {
    /// Every run directory's path, oldest first (by name, then by the `-N` suffix).
    public static func all(_ exports: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: exports).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: exports + "/" + $0, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        func key(_ name: String) -> (String, Int) {
            guard let z = name.firstIndex(of: "Z") else { return (name, 0) }
            let suffix = name[name.index(after: z)...].dropFirst()
            return (String(name[...z]), Int(suffix) ?? 1)
        }
        return names.sorted { key($0) < key($1) }.map { exports + "/" + $0 }
    }

    /// The newest run directory's path.
    public static func latest(_ exports: String) throws -> String {
        guard let last = try all(exports).last else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: exports])
        }
        return last
    }
}
