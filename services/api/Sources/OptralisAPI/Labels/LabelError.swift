import OptralisCore

/// The errors of labels.
enum LabelError {
    static let limitReached = AppError.badRequest("a machine can carry at most \(LabelStore.maximumPerMachine) labels", code: "LABEL_LIMIT_REACHED")

    static func exists(key: String) -> AppError { .conflict("a label with the key \"\(key)\" exists", code: "LABEL_EXISTS") }
}
