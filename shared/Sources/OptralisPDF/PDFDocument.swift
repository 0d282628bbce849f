import CHaru

/// A PDF document made by libharu, the one place that touches its pointers: A4 pages, the
/// standard Helvetica fonts (WinAnsi encoding, so French accents extract as text), vector lines,
/// rectangles and polylines, compressed streams and an information dictionary.
///
/// Not `Sendable`: build it, draw and call ``bytes()`` within one task; each document has its
/// own libharu state (libharu keeps no global state, so documents in other tasks are independent).
public final class PDFDocument {
    private let handle: HPDF_Doc
    private let regular: HPDF_Font
    private let bold: HPDF_Font

    public struct RenderError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A4 in points (1/72 inch).
    public static let pageWidth: Double = 595.276
    public static let pageHeight: Double = 841.89

    public init(title: String, author: String, subject: String? = nil) throws {
        guard let handle = HPDF_New(nil, nil) else { throw RenderError(description: "libharu could not allocate a document") }
        self.handle = handle
        HPDF_SetCompressionMode(handle, HPDF_UINT(HPDF_COMP_ALL))
        guard let regular = HPDF_GetFont(handle, "Helvetica", "WinAnsiEncoding"), let bold = HPDF_GetFont(handle, "Helvetica-Bold", "WinAnsiEncoding") else {
            HPDF_Free(handle)
            throw RenderError(description: "libharu has no Helvetica font")
        }
        (self.regular, self.bold) = (regular, bold)
        HPDF_SetInfoAttr(handle, HPDF_INFO_TITLE, Self.pdfDoc(title))
        HPDF_SetInfoAttr(handle, HPDF_INFO_AUTHOR, Self.pdfDoc(author))
        HPDF_SetInfoAttr(handle, HPDF_INFO_CREATOR, "Optralis")
        if let subject { HPDF_SetInfoAttr(handle, HPDF_INFO_SUBJECT, Self.pdfDoc(subject)) }
    }

    deinit { HPDF_Free(handle) }

    /// A new A4 portrait page, after the others.
    public func addPage() throws -> PDFPage {
        guard let page = HPDF_AddPage(handle) else { throw RenderError(description: "libharu could not add a page (error \(HPDF_GetError(handle)))") }
        HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT)
        return PDFPage(page: page, document: self)
    }

    /// The document's bytes (`%PDF-1.x` … `%%EOF`); throws if any drawing call failed.
    public func bytes() throws -> [UInt8] {
        let failed = HPDF_GetError(handle)
        guard failed == HPDF_OK else { throw RenderError(description: "libharu error 0x\(String(failed, radix: 16))") }
        guard HPDF_SaveToStream(handle) == HPDF_OK else {
            throw RenderError(description: "libharu could not save (error 0x\(String(HPDF_GetError(handle), radix: 16)))")
        }
        let size = Int(HPDF_GetStreamSize(handle))
        var output = [UInt8](repeating: 0, count: size)
        var read = HPDF_UINT32(size)
        let status = output.withUnsafeMutableBufferPointer { HPDF_ReadFromStream(handle, $0.baseAddress, &read) }
        // HPDF_STREAM_EOF (0x1052) is what a read of the whole stream answers.
        guard status == HPDF_OK || status == 0x1052 else {
            throw RenderError(description: "libharu could not read its stream (0x\(String(status, radix: 16)))")
        }
        return Array(output.prefix(Int(read)))
    }

    func font(bold isBold: Bool) -> HPDF_Font { isBold ? bold : regular }

    /// The text in PDFDocEncoding, which the information dictionary's strings use (libharu writes
    /// their bytes as given): Latin-1 as in WinAnsi, but its own places for the typographic signs.
    static func pdfDoc(_ text: String) -> [CChar] {
        let places: [UInt32: UInt8] = [
            0x2022: 0x80, 0x2026: 0x83, 0x2014: 0x84, 0x2013: 0x85, 0x201C: 0x8D, 0x201D: 0x8E, 0x2018: 0x8F, 0x2019: 0x90, 0x20AC: 0xA0,
        ]
        var bytes: [CChar] = []
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if let place = places[value] {
                bytes.append(CChar(bitPattern: place))
            } else if (0x20..<0x7F).contains(value) || (0xA1...0xFF).contains(value) {
                bytes.append(CChar(bitPattern: UInt8(value)))
            } else if value >= 0x20 {
                bytes.append(CChar(bitPattern: value == 0xA0 || value == 0x202F ? 0x20 : UInt8(ascii: "?")))
            }
        }
        bytes.append(0)
        return bytes
    }

    /// The text in Windows-1252 (the fonts' WinAnsi encoding), NUL-terminated: Latin-1 as is, the
    /// typographic quotes, dashes, ellipsis, œ and € at their 0x80–0x9F places, any other
    /// character as `?`, control characters dropped, no-break spaces as spaces.
    static func winAnsi(_ text: String) -> [CChar] {
        var bytes: [CChar] = []
        bytes.reserveCapacity(text.utf8.count + 1)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let byte: UInt8?
            switch value {
            case 0x20..<0x7F: byte = UInt8(value)
            case 0xA0, 0x202F, 0x2009, 0x2007: byte = 0x20
            case 0xA1...0xFF: byte = UInt8(value)
            case 0x20AC: byte = 0x80
            case 0x2026: byte = 0x85
            case 0x2018: byte = 0x91
            case 0x2019: byte = 0x92
            case 0x201C: byte = 0x93
            case 0x201D: byte = 0x94
            case 0x2022: byte = 0x95
            case 0x2013: byte = 0x96
            case 0x2014: byte = 0x97
            case 0x0152: byte = 0x8C
            case 0x0153: byte = 0x9C
            case 0..<0x20, 0x7F: byte = nil
            default: byte = UInt8(ascii: "?")
            }
            if let byte { bytes.append(CChar(bitPattern: byte)) }
        }
        bytes.append(0)
        return bytes
    }
}

/// An RGB colour, components 0…1.
public struct PDFColor: Sendable, Equatable {
    public var red: Double, green: Double, blue: Double

    public init(red: Double, green: Double, blue: Double) {
        (self.red, self.green, self.blue) = (red, green, blue)
    }

    /// `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255, blue: Double(hex & 0xFF) / 255)
    }

    public static let black = PDFColor(hex: 0x111827)
    public static let grey = PDFColor(hex: 0x6B7280)
    public static let lightGrey = PDFColor(hex: 0xE5E7EB)
}

/// One page of a ``PDFDocument``. Coordinates in points from the bottom-left corner.
public struct PDFPage {
    fileprivate let page: HPDF_Page
    /// Keeps the document (and so the page's memory) alive while the page is used.
    fileprivate let document: PDFDocument

    /// Writes one line of text with its baseline at `y`.
    public func text(_ string: String, x: Double, y: Double, size: Double = 10, bold: Bool = false, color: PDFColor = .black) {
        HPDF_Page_BeginText(page)
        HPDF_Page_SetFontAndSize(page, document.font(bold: bold), HPDF_REAL(size))
        HPDF_Page_SetRGBFill(page, HPDF_REAL(color.red), HPDF_REAL(color.green), HPDF_REAL(color.blue))
        HPDF_Page_TextOut(page, HPDF_REAL(x), HPDF_REAL(y), PDFDocument.winAnsi(string))
        HPDF_Page_EndText(page)
    }

    /// The width of `string` in points at this size.
    public func width(of string: String, size: Double = 10, bold: Bool = false) -> Double {
        HPDF_Page_SetFontAndSize(page, document.font(bold: bold), HPDF_REAL(size))
        return Double(HPDF_Page_TextWidth(page, PDFDocument.winAnsi(string)))
    }

    /// A filled rectangle (`re f`).
    public func fillRectangle(x: Double, y: Double, width: Double, height: Double, color: PDFColor) {
        HPDF_Page_SetRGBFill(page, HPDF_REAL(color.red), HPDF_REAL(color.green), HPDF_REAL(color.blue))
        HPDF_Page_Rectangle(page, HPDF_REAL(x), HPDF_REAL(y), HPDF_REAL(width), HPDF_REAL(height))
        HPDF_Page_Fill(page)
    }

    /// An open path through `points` (`m l … S`); nothing for fewer than two points.
    public func polyline(_ points: [(x: Double, y: Double)], lineWidth: Double = 1, color: PDFColor) {
        guard let first = points.first, points.count > 1 else { return }
        HPDF_Page_SetLineWidth(page, HPDF_REAL(lineWidth))
        HPDF_Page_SetLineJoin(page, HPDF_ROUND_JOIN)
        HPDF_Page_SetRGBStroke(page, HPDF_REAL(color.red), HPDF_REAL(color.green), HPDF_REAL(color.blue))
        HPDF_Page_MoveTo(page, HPDF_REAL(first.x), HPDF_REAL(first.y))
        for point in points.dropFirst() { HPDF_Page_LineTo(page, HPDF_REAL(point.x), HPDF_REAL(point.y)) }
        HPDF_Page_Stroke(page)
    }

    /// A straight line.
    public func line(from start: (x: Double, y: Double), to end: (x: Double, y: Double), lineWidth: Double = 0.5, color: PDFColor = .lightGrey) {
        polyline([start, end], lineWidth: lineWidth, color: color)
    }
}
