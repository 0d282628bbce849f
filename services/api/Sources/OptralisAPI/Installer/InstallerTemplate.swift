/// Fills an installer template's `@NAME@` placeholders, each value quoted for the script's
/// language (POSIX shell for ``LinuxInstallerScript``, PowerShell for ``WindowsInstallerScript``),
/// so a value can never end its string and run as code. One pass: a value that happens to hold
/// `@TOKEN@` is not filled in again.
enum InstallerTemplate {
    static func fill(_ template: String, _ values: [String: String], quote: (String) -> String) -> String {
        template.replacing(/@([A-Z_]+)@/) { match in values[String(match.1)].map(quote) ?? String(match.0) }
    }
}
