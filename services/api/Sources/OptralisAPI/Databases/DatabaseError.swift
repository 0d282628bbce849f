import OptralisCore

/// The errors of database monitoring.
enum DatabaseError {
    static func limit(_ limit: Int?) -> AppError {
        .forbidden(
            "this licence monitors at most \(limit ?? 0) database\(limit == 1 ? "" : "s"); delete one or upgrade (Business: 10, Enterprise: no limit)",
            code: "DATABASE_LIMIT_REACHED")
    }
}
