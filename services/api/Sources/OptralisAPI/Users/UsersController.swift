import Foundation
import Hummingbird

/// `/api/users`: reads for every role of the client, writes for admins (the tenant middleware
/// makes observers read-only).
struct UsersController {
    let service: UserService

    struct UserList: ResponseEncodable { let users: [UserView] }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context in UserList(users: try await service.list(context.requireIdentity())) }
        group.post { request, context -> Response in
            let body = try await request.decode(as: UserService.CreateRequest.self, context: context)
            let created = try await service.create(context.requireIdentity(), body, ip: context.clientIP)
            return try created.jsonResponse(from: request, context: context, status: .created)
        }
        group.put(":id") { request, context -> UserView in
            let body = try await request.decode(as: UserService.UpdateRequest.self, context: context)
            return try await service.update(context.requireIdentity(), id: try context.parameters.require("id", as: UUID.self), body, ip: context.clientIP)
        }
        group.delete(":id") { _, context -> HTTPResponse.Status in
            try await service.delete(context.requireIdentity(), id: try context.parameters.require("id", as: UUID.self), ip: context.clientIP)
            return .noContent
        }
        group.post(":id/reset-password") { _, context -> UserService.PasswordReset in
            try await service.resetPassword(context.requireIdentity(), id: try context.parameters.require("id", as: UUID.self), ip: context.clientIP)
        }
    }
}

extension UserView: ResponseEncodable {}
extension UserService.PasswordReset: ResponseEncodable {}
