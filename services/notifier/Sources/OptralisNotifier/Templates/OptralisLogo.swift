import Foundation
import OptralisCurl

/// The Optralis logo embedded in every HTML email (the spec's "Logo via CID"): a 64×64 PNG, an orange
/// (#f97316) rounded square with a white "O". Shown by `<img src="cid:optralis-logo">`; the message carries
/// it as a multipart/related part (see inlineImage).
///
/// Generated once with a short script (supersampled rounded square and ring, written with zlib), kept
/// here as base64 so the service needs no resource bundle.
public enum OptralisLogo {
    /// The Content-ID the templates reference (`CommonEmailVariables.logoCID` defaults to it).
    public static let contentID = "optralis-logo"
    public static let filename = "optralis-logo.png"
    public static let mimeType = "image/png"
    public static let width = 64
    public static let height = 64

    /// The PNG file's bytes.
    public static let png: [UInt8] = Array(Data(base64Encoded: base64) ?? Data())

    /// The logo as the inline image part of an EmailMessage.
    public static var inlineImage: InlineImage {
        InlineImage(contentID: contentID, mimeType: mimeType, filename: filename, bytes: png)
    }

    private static let base64 =
        "iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAYAAACqaXHeAAACJUlEQVR42u1bsU7DMBD1V/AH7JX4gYgvyB+QH2BiZWRCQt2QmFj7"
        + "BUhMlZBYWBi6IlVCYiVMSJQ25i5kKFUUu44vNb1n6ZbEie9e7LsX+84Yj/Z1dpCRjEmmJCWJTVTKRkfWNTN9G72kIJknbLBLWPci"
        + "xPARyfM/NnxT2JaRr/F54tO8z/LIfYy3ey5517QvFQBQti6HPVvzTp/Q5u2tMinWAZgrBGC+TnKsUslMw5q0AjA2DXUUH2xxcWS/"
        + "J6d29TSx1cuj3Wx8je9xH+47EABTIx36Ftd5q8Guxs/ws9Ih0YgZfnUcZHgrEPQuKT1FAFjeX9rYjd+ZPgDnh3Y1u7NSjd/NY6QJ"
        + "AClWvc2sdOMxYoIQDYAY630bv5AUAMuHGz/NPz9+Q93tyZ9QV4dIusb3uI+XT6AxkwCAQ5W3wj5Tl/r4AhojTPYGoHp/dX71EEVr"
        + "YB2zgcfeKQDOcMfG94jh/KwLhL7hsRcALuViEJgaBAfIOwGAOftQxMU101iXwQHoIjwx1uY2vqYmSIMCQJ5a6ouEzrhQchQEAMds"
        + "qTUZ6nNYp8EA6IrTTGakAKiJUmRiZGLTXonp77MMQumxie2QJDcxulhnqOMNAqDTGQlvY8UeGwAAAAAAJ4gwCCIEKoyfIfwOY0ME"
        + "W2LYFMW2OA5GcDSGw1EcjyNBAiky+pKk1KfJqU+UVJ8qqztZWn26PAomUDKDoimUzaFwEqWzKJ5WWz7/Ay5h0NuOEjGFAAAAAElF"
        + "TkSuQmCC"
}
