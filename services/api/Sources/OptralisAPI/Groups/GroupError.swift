import OptralisCore

/// The errors of groups.
enum GroupError {
    static func exists(_ name: String) -> AppError { .conflict("a group named \"\(name)\" exists", code: "GROUP_EXISTS") }
}
