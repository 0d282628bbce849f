import OptralisCore
import PostgresNIO

extension AppError {
    /// A statement PostgreSQL refused for the values it was given: SQLSTATE class 22 (a number
    /// beyond its column, a text too long or holding a NUL, an impossible date) or 23514 (a CHECK
    /// constraint). Routes validate their input and name the field; this is the net under them,
    /// so a value one of them let through is a 400, never a 500.
    public static func refusedValue(_ error: PSQLError) -> AppError? {
        guard let state = error.serverInfo?[.sqlState], state.hasPrefix("22") || state == "23514" else { return nil }
        return .validation("a value is out of range or invalid for its field")
    }
}
