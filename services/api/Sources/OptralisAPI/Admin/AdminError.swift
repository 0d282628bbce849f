import OptralisCore

/// The errors of the super_admin's routes.
enum AdminError {
    static let licenseTypeExists = AppError.conflict("a licence type with this code exists", code: "LICENSE_TYPE_EXISTS")

    static func licenseTypeInUse(clients count: Int) -> AppError {
        .conflict("\(count) client(s) use this licence type", code: "LICENSE_TYPE_IN_USE")
    }
}
