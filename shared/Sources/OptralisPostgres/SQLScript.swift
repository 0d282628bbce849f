/// Splits an SQL file into statements at top-level semicolons.
///
/// postgres-nio speaks only the extended query protocol, which takes one statement per
/// query, so a migration file is run statement by statement inside one transaction.
/// Semicolons inside quotes (`'…'`, `"…"`), dollar-quoted bodies (`$$…$$`, `$tag$…$tag$`)
/// and comments (`-- …`, nested `/* … */`) do not split.
public enum SQLScript {
    public static func statements(in sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let statement = String(current).trimmingSQLWhitespace()
            if !statement.isEmpty && !isOnlyComments(statement) { statements.append(statement) }
            current = String.UnicodeScalarView()
        }
        func copy(until end: Int) {
            current.append(contentsOf: chars[index..<min(end, chars.count)])
            index = min(end, chars.count)
        }

        while index < chars.count {
            let char = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            switch char {
            case "'", "\"":
                copy(until: closingQuote(chars, from: index, quote: char) + 1)
            case "-" where next == "-":
                copy(until: (chars[index...].firstIndex(of: "\n") ?? chars.count))
            case "/" where next == "*":
                copy(until: closingBlockComment(chars, from: index))
            case "$":
                if let tagEnd = dollarTagEnd(chars, from: index) {
                    let tag = Array(chars[index...tagEnd])
                    copy(until: closingDollar(chars, after: tagEnd + 1, tag: tag))
                } else {
                    copy(until: index + 1)
                }
            case ";":
                index += 1
                flush()
            default:
                copy(until: index + 1)
            }
        }
        flush()
        return statements
    }

    /// Index of the quote that closes the one at `start`; a doubled quote (`''`) is an escape.
    private static func closingQuote(_ chars: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar) -> Int {
        var index = start + 1
        while index < chars.count {
            if chars[index] == quote {
                if index + 1 < chars.count && chars[index + 1] == quote {
                    index += 2
                    continue
                }
                return index
            }
            index += 1
        }
        return chars.count - 1
    }

    private static func closingBlockComment(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index + 1 < chars.count {
            if chars[index] == "/" && chars[index + 1] == "*" {
                depth += 1
                index += 2
            } else if chars[index] == "*" && chars[index + 1] == "/" {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return chars.count
    }

    /// For `$tag$` starting at `start`, the index of the closing `$` of the tag; nil for `$1` and the like.
    private static func dollarTagEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        if index < chars.count && chars[index].properties.numericType != nil { return nil }
        while index < chars.count {
            let char = chars[index]
            if char == "$" { return index }
            guard char.properties.isAlphabetic || char == "_" || char.properties.numericType != nil else { return nil }
            index += 1
        }
        return nil
    }

    private static func closingDollar(_ chars: [Unicode.Scalar], after start: Int, tag: [Unicode.Scalar]) -> Int {
        var index = start
        while index + tag.count <= chars.count {
            if chars[index] == "$" && Array(chars[index..<index + tag.count]) == tag { return index + tag.count }
            index += 1
        }
        return chars.count
    }

    private static func isOnlyComments(_ statement: String) -> Bool {
        statement.split(separator: "\n").allSatisfy { line in
            let trimmed = String(line).trimmingSQLWhitespace()
            return trimmed.isEmpty || trimmed.hasPrefix("--")
        } && !statement.contains("*/")
    }
}

extension String {
    func trimmingSQLWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
