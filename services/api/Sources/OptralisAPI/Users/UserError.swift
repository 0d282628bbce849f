import OptralisCore

/// The errors of user management (spec "Utilisateurs"); EMAIL_EXISTS is in `APIError`.
enum UserError {
    static let cannotChangeOwnRole = AppError.badRequest("you cannot change your own role", code: "CANNOT_CHANGE_OWN_ROLE")
    static let cannotDeleteSelf = AppError.badRequest("you cannot delete yourself", code: "CANNOT_DELETE_SELF")
    static let lastAdminDemoted = AppError.conflict("the last admin of a client cannot be demoted", code: "LAST_ADMIN")
    static let lastAdminDeleted = AppError.conflict("the last admin of a client cannot be deleted", code: "LAST_ADMIN")
}
