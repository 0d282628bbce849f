import COpenSSL
import Foundation

/// Builds and signs a DER certificate revocation list with OpenSSL's libcrypto (swift-certificates
/// has no CRL type). The only code of the ca service that touches OpenSSL pointers.
enum CRLSigner {
    struct Revoked: Sendable {
        let serialHex: String
        let revokedAt: Date
        /// RFC 5280 reason code (0 unspecified, 1 key compromise, 4 superseded, 5 cessation…).
        let reason: Int32
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A CRL valid from now for `validity`, listing `revoked`, numbered `number`.
    static func sign(caCertificatePEM: String, caKeyPEM: String, revoked: [Revoked], number: Int, validity: TimeInterval = 86_400) throws -> [UInt8] {
        guard let caCert = readCertificate(caCertificatePEM) else { throw Failure(description: "cannot read the CA certificate") }
        defer { X509_free(caCert) }
        guard let key = readKey(caKeyPEM) else { throw Failure(description: "cannot read the CA key") }
        defer { EVP_PKEY_free(key) }
        guard let crl = X509_CRL_new() else { throw Failure(description: "X509_CRL_new failed") }
        defer { X509_CRL_free(crl) }

        X509_CRL_set_version(crl, 1) // v2
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(caCert))
        let now = Int(Date().timeIntervalSince1970)
        let lastUpdate = ASN1_TIME_set(nil, time_t(now))
        let nextUpdate = ASN1_TIME_set(nil, time_t(now + Int(validity)))
        defer {
            ASN1_TIME_free(lastUpdate)
            ASN1_TIME_free(nextUpdate)
        }
        X509_CRL_set1_lastUpdate(crl, lastUpdate)
        X509_CRL_set1_nextUpdate(crl, nextUpdate)

        for entry in revoked {
            guard let item = X509_REVOKED_new() else { throw Failure(description: "X509_REVOKED_new failed") }
            var bignum: OpaquePointer? = nil
            guard BN_hex2bn(&bignum, entry.serialHex) > 0, let serial = BN_to_ASN1_INTEGER(bignum, nil) else {
                BN_free(bignum)
                X509_REVOKED_free(item)
                throw Failure(description: "invalid serial \(entry.serialHex)")
            }
            BN_free(bignum)
            X509_REVOKED_set_serialNumber(item, serial)
            ASN1_INTEGER_free(serial)
            let date = ASN1_TIME_set(nil, time_t(entry.revokedAt.timeIntervalSince1970))
            X509_REVOKED_set_revocationDate(item, date)
            ASN1_TIME_free(date)
            if let reason = ASN1_ENUMERATED_new() {
                ASN1_ENUMERATED_set(reason, Int(entry.reason))
                X509_REVOKED_add1_ext_i2d(item, NID_crl_reason, reason, 0, 0)
                ASN1_ENUMERATED_free(reason)
            }
            X509_CRL_add0_revoked(crl, item)
        }
        if let crlNumber = ASN1_INTEGER_new() {
            ASN1_INTEGER_set(crlNumber, number)
            X509_CRL_add1_ext_i2d(crl, NID_crl_number, crlNumber, 0, 0)
            ASN1_INTEGER_free(crlNumber)
        }
        // Authority key identifier: the CA's subject key identifier.
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, caCert, nil, nil, crl, 0)
        if let extensionItem = X509V3_EXT_conf_nid(nil, &context, NID_authority_key_identifier, "keyid:always") {
            X509_CRL_add_ext(crl, extensionItem, -1)
            X509_EXTENSION_free(extensionItem)
        }
        X509_CRL_sort(crl)
        guard X509_CRL_sign(crl, key, EVP_sha256()) > 0 else { throw Failure(description: "X509_CRL_sign failed") }

        var buffer: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_X509_CRL(crl, &buffer)
        guard length > 0, let buffer else { throw Failure(description: "i2d_X509_CRL failed") }
        defer { optralis_OPENSSL_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
    }

    private static func readCertificate(_ pem: String) -> OpaquePointer? {
        withMemoryBIO(pem) { PEM_read_bio_X509($0, nil, nil, nil) }
    }

    private static func readKey(_ pem: String) -> OpaquePointer? {
        withMemoryBIO(pem) { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
    }

    private static func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer) -> T?) -> T? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer -> T? in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}
