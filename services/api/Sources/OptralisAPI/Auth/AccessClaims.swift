import Foundation
import JWTKit

/// The claims of an access token (HS256, 15 minutes). `cid` is the tenant, `imp` the
/// super_admin behind an impersonation token.
struct AccessClaims: JWTPayload, Equatable {
    var sub: SubjectClaim
    var jti: IDClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var role: String
    var cid: String?
    var imp: String?
    var typ: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard typ == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
    }
}
