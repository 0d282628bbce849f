import Foundation
import OptralisCore

/// One numbered schema file, `NNNN_name.sql`, from `shared/Migrations`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    public var fileName: String { String(format: "%04d_%@.sql", version, name) }
}

public struct MigrationLoadError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

extension Migration {
    /// Loads every `NNNN_name.sql` of a directory in version order. Other files (README.md)
    /// are ignored; a malformed `.sql` name or two files with one number are errors.
    public static func load(from directory: String) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationLoadError(description: "cannot read migrations directory \(directory): \(error.localizedDescription)")
        }
        var migrations: [Migration] = []
        for fileName in names where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), stem.distance(from: stem.startIndex, to: underscore) == 4,
                let version = Int(stem[..<underscore]), !stem[stem.index(after: underscore)...].isEmpty
            else {
                throw MigrationLoadError(description: "migration file \(fileName) is not named NNNN_name.sql")
            }
            let sql = try String(contentsOfFile: directory + "/" + fileName, encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationLoadError(description: "two migrations share number \(next.version): \(previous.fileName), \(next.fileName)")
        }
        return migrations
    }

    /// Where the schema files are: `OPTRALIS_MIGRATIONS_DIR`, else `shared/Migrations` of the
    /// repository, else `/app/migrations` (the container images).
    public static func defaultDirectory(environment: [String: String]) -> String? {
        ProjectFiles.locate("shared/Migrations", override: environment["OPTRALIS_MIGRATIONS_DIR"], containerPath: "/app/migrations")
    }
}
