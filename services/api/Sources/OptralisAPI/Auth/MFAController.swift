import Hummingbird

/// `/api/users/mfa/*`: every user manages their own second factor (observers included).
struct MFAController {
    let service: MFAService
    let passwordChecks: RateLimitMiddleware

    struct CodeRequest: Decodable { let code: String }
    struct DisableRequest: Decodable {
        let password: String
        let code: String?
    }
    struct Result: ResponseEncodable {
        let enabled: Bool
        let message: String
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post("setup") { _, context in try await service.setup(context.requireIdentity()) }
        group.group("verify").add(middleware: passwordChecks).post { request, context -> Result in
            let body = try await request.decode(as: CodeRequest.self, context: context)
            try await service.verify(context.requireIdentity(), code: body.code)
            return Result(enabled: true, message: "MFA enabled")
        }
        group.group("disable").add(middleware: passwordChecks).delete { request, context -> Result in
            let body = try await request.decode(as: DisableRequest.self, context: context)
            try await service.disable(context.requireIdentity(), password: body.password, code: body.code)
            return Result(enabled: false, message: "MFA disabled")
        }
        group.get("status") { _, context in try await service.status(context.requireIdentity()) }
    }
}

extension MFAService.Setup: ResponseEncodable {}
extension MFAService.Status: ResponseEncodable {}
