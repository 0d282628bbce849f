import OptralisCore

/// The errors of agent enrolment (spec "POST /agent/bootstrap").
enum InstallerError {
    static let invalidInstallToken = AppError.unauthorized("invalid, expired or used-up install token", code: "INVALID_INSTALL_TOKEN")
    static let machineActive = AppError.conflict(
        "this machine is active (valid certificate, seen within \(EnrolmentStore.activeMinutes) minutes): re-enrolling it needs an install token created with allow_reenrolment",
        code: "MACHINE_ACTIVE")
}
