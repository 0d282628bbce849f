import OptralisCore

/// The errors of Docker administration: the api's set-up and the Engine's answers.
enum DockerError {
    static let notConfigured = AppError.notFound(
        "Docker administration is off: set DOCKER_SOCKET to the engine's socket (docs/admin.md)", code: "DOCKER_NOT_CONFIGURED")
    static let unreachable = AppError.serviceUnavailable("the Docker Engine cannot be reached on its socket", code: "DOCKER_UNAVAILABLE")

    static func answerTooLarge(maximumBytes: Int) -> AppError {
        .badGateway("the Docker Engine's answer is larger than \(maximumBytes) bytes", code: "DOCKER_ENGINE_ERROR")
    }
    static func unexpectedAnswer(path: String) -> AppError {
        .badGateway("the Docker Engine's answer to \(path) is not the expected JSON", code: "DOCKER_ENGINE_ERROR")
    }
    static func engineStatus(_ status: Int, engineMessage: String?) -> AppError {
        .badGateway("the Docker Engine answered HTTP \(status)" + (engineMessage.map { ": \($0)" } ?? ""), code: "DOCKER_ENGINE_ERROR")
    }
    static func containerNotFound(engineMessage: String?) -> AppError {
        .notFound(engineMessage ?? "no such container", code: "DOCKER_CONTAINER_NOT_FOUND")
    }
    static func conflict(engineMessage: String?) -> AppError {
        .conflict(engineMessage ?? "the Docker Engine refused the change", code: "DOCKER_CONFLICT")
    }
}
