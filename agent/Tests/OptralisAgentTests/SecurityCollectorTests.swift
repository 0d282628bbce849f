import Foundation
import OptralisCore
import Testing

@testable import OptralisAgent

#if canImport(Glibc)
import Glibc
#endif

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private let root = fixtures.appendingPathComponent("linux-root").path

private func rows(_ ports: [ListeningPort]) -> [[String?]] {
    ports.map { ["\($0.port)", $0.protocol, $0.address, $0.process, $0.risky ? "risky" : "-", $0.riskReason] }
}

@Suite("security collector")
struct SecurityCollectorTests {
    // The fixtures were captured on x86_64: addresses are printed as little-endian words.
    @Test(arguments: [
        ("0100007F", "127.0.0.1"), ("00000000", "0.0.0.0"), ("1401A8C0", "192.168.1.20"), ("3500007F", "127.0.0.53"),
        ("00000000000000000000000000000000", "::"), ("00000000000000000000000001000000", "::1"),
        ("0000000000000000FFFF00000100007F", "::ffff:127.0.0.1"), ("000080FE00000000FF005450563412FE", "fe80::5054:ff:fe12:3456"),
        ("B80D0120000000000000000020000000", "2001:db8::20"),
    ])
    func kernel_hex_addresses_decode_to_text(address: (hex: String, text: String)) {
        #expect(SecurityCollector.decodeAddress(Substring(address.hex)) == address.text)
    }

    @Test func tcp_table_yields_listening_sockets_only() throws {
        let table = try String(contentsOfFile: root + "/proc/net/tcp", encoding: .utf8)
        let sockets = SecurityCollector.parseSockets(table, protocol: "tcp")

        #expect(
            sockets.map { "\($0.address):\($0.port)#\($0.inode)" } == [
                "127.0.0.1:32897#3553534", "127.0.0.1:33251#4165231", "127.0.0.1:48631#4070836", "127.0.0.1:58545#3551533",
                "127.0.0.1:58747#4188625", "0.0.0.0:2024#1599", "127.0.0.1:26381#3273103", "127.0.0.1:26380#3238539",
                "127.0.0.1:41107#4043579", "127.0.0.1:25434#3273090", "127.0.0.1:25433#3238510", "0.0.0.0:22#24101",
                "0.0.0.0:5432#31337", "0.0.0.0:5432#31340", "127.0.0.1:6379#29910", "192.168.1.20:3306#30021",
            ])
    }

    @Test func udp_table_yields_unconnected_bound_sockets() throws {
        let table = try String(contentsOfFile: root + "/proc/net/udp", encoding: .utf8)
        let sockets = SecurityCollector.parseSockets(table, protocol: "udp")

        #expect(
            sockets == [
                .init(protocol: "udp", address: "0.0.0.0", port: 68, inode: 17455),
                .init(protocol: "udp", address: "127.0.0.53", port: 53, inode: 16977),
                .init(protocol: "udp", address: "0.0.0.0", port: 11211, inode: 21544),
            ])
    }

    @Test func collect_reports_ports_with_owners_and_risks_firewall_and_secure_boot() async throws {
        let report = try await SecurityCollector(files: SystemFiles(root: root), runner: CommandRunner(searchPath: [])).collect()

        let loopback = [25433, 25434, 26380, 26381, 32897, 33251, 41107, 48631, 58545, 58747].map { port -> [String?] in
            ["\(port)", "tcp", "127.0.0.1", nil, "-", nil]
        }
        #expect(
            rows(report.ports) == [
                ["22", "tcp", "0.0.0.0", "sshd", "-", nil],
                ["22", "tcp6", "::", "sshd", "-", nil],
                ["23", "tcp6", "::", "inetd", "risky", "Telnet sends credentials in clear text"],
                ["53", "udp", "127.0.0.53", "systemd-resolve", "-", nil],
                ["68", "udp", "0.0.0.0", nil, "-", nil],
                ["323", "udp6", "::1", nil, "-", nil],
                ["631", "tcp6", "::1", nil, "-", nil],
                ["2024", "tcp", "0.0.0.0", nil, "-", nil],
                ["3306", "tcp", "192.168.1.20", nil, "risky", "MySQL exposed"],
                ["3389", "tcp6", "::ffff:127.0.0.1", nil, "-", nil],
                ["5353", "udp6", "::", nil, "-", nil],
                ["5432", "tcp", "0.0.0.0", "postgres", "risky", "PostgreSQL exposed"],
                ["5432", "tcp6", "::", "postgres", "risky", "PostgreSQL exposed"],
                ["6379", "tcp", "127.0.0.1", nil, "-", nil],
                ["9200", "tcp6", "fe80::5054:ff:fe12:3456", nil, "risky", "Elasticsearch exposed (often without authentication)"],
                ["11211", "udp", "0.0.0.0", "memcached", "risky", "Memcached exposed (no authentication, amplification attacks)"],
            ] + loopback)
        #expect(report.firewallEnabled == true)
        #expect(report.firewallBackend == "ufw")
        #expect(report.secureBootEnabled == true)
        #expect(report.bitlockerEnabled == nil)
        #expect(report.antivirus == nil)
    }

    @Test func socket_owners_come_from_fd_links_of_readable_processes() {
        let owners = SecurityCollector.socketOwners(files: SystemFiles(root: root), inodes: [31337, 31338, 31340, 25230, 16977, 99999])
        #expect(owners == [31337: "postgres", 31338: "postgres", 31340: "postgres", 25230: "inetd", 16977: "systemd-resolve"])
        #expect(SecurityCollector.socketInode("socket:[31337]") == 31337)
        #expect(SecurityCollector.socketInode("pipe:[30990]") == nil)
    }

    @Test func a_risky_service_on_loopback_is_not_flagged() {
        #expect(SecurityCollector.risk(port: 6379, address: "127.0.0.1") == nil)
        #expect(SecurityCollector.risk(port: 5432, address: "::1") == nil)
        #expect(SecurityCollector.risk(port: 3306, address: "0.0.0.0") == "MySQL exposed")
        #expect(SecurityCollector.risk(port: 27017, address: "203.0.113.8") == "MongoDB exposed")
        #expect(SecurityCollector.risk(port: 443, address: "0.0.0.0") == nil)
    }

    @Test func ufw_conf_says_whether_ufw_starts() {
        #expect(SecurityCollector.ufwEnabled("# comment\nENABLED=yes\nLOGLEVEL=low\n") == true)
        #expect(SecurityCollector.ufwEnabled("ENABLED=no\n") == false)
        #expect(SecurityCollector.ufwEnabled("LOGLEVEL=low\n") == nil)
    }

    @Test func nftables_filters_only_with_an_input_chain_that_has_rules_or_drops() {
        let debianDefault = """
            table inet filter {
            \tchain input {
            \t\ttype filter hook input priority filter; policy accept;
            \t}

            \tchain forward {
            \t\ttype filter hook forward priority filter; policy accept;
            \t}

            \tchain output {
            \t\ttype filter hook output priority filter; policy accept;
            \t}
            }
            """
        let docker = """
            table ip nat {
            \tchain DOCKER {
            \t\tiifname "docker0" counter packets 0 bytes 0 return
            \t}

            \tchain PREROUTING {
            \t\ttype nat hook prerouting priority dstnat; policy accept;
            \t\tfib daddr type local counter packets 12 bytes 720 jump DOCKER
            \t}
            }
            table ip filter {
            \tchain DOCKER {
            \t}

            \tchain FORWARD {
            \t\ttype filter hook forward priority filter; policy drop;
            \t\tcounter packets 0 bytes 0 jump DOCKER-USER
            \t\toifname "docker0" ct state related,established counter packets 0 bytes 0 accept
            \t}

            \tchain DOCKER-USER {
            \t\tcounter packets 0 bytes 0 return
            \t}
            }
            """
        let filtering = """
            table inet filter {
            \tset allowed_ssh {
            \t\ttype ipv4_addr
            \t\tflags interval
            \t\telements = { 10.0.0.0/8,
            \t\t\t     192.168.1.0/24 }
            \t}

            \tchain input {
            \t\ttype filter hook input priority filter; policy drop;
            \t\tct state established,related accept
            \t\tiif "lo" accept
            \t\ttcp dport 22 ip saddr @allowed_ssh accept
            \t}
            }
            """
        let acceptWithRules = """
            table inet filter {
            \tchain input {
            \t\ttype filter hook input priority 0; policy accept;
            \t\ttcp dport 3306 drop
            \t}
            }
            """
        #expect(SecurityCollector.nftablesFilters("") == false)
        #expect(SecurityCollector.nftablesFilters(debianDefault) == false)
        #expect(SecurityCollector.nftablesFilters(docker) == false)
        #expect(SecurityCollector.nftablesFilters(filtering) == true)
        #expect(SecurityCollector.nftablesFilters(acceptWithRules) == true)
    }

    @Test func iptables_filters_only_with_input_rules_or_a_closed_input_policy() {
        let defaults = "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"
        let docker = """
            -P INPUT ACCEPT
            -P FORWARD DROP
            -P OUTPUT ACCEPT
            -N DOCKER
            -N DOCKER-ISOLATION-STAGE-1
            -N DOCKER-USER
            -A FORWARD -j DOCKER-USER
            -A FORWARD -j DOCKER-ISOLATION-STAGE-1
            -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            -A DOCKER-USER -j RETURN
            """
        let ufw = """
            -P INPUT DROP
            -P FORWARD DROP
            -P OUTPUT ACCEPT
            -N ufw-before-input
            -A INPUT -j ufw-before-logging-input
            -A INPUT -j ufw-before-input
            """
        #expect(SecurityCollector.iptablesFilters(defaults) == false)
        #expect(SecurityCollector.iptablesFilters(docker) == false)
        #expect(SecurityCollector.iptablesFilters(ufw) == true)
        #expect(SecurityCollector.iptablesFilters("-P INPUT ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n") == true)
    }

    @Test func firewall_is_off_only_when_a_ruleset_could_be_read() {
        #expect(SecurityCollector.firewall(ufw: true, firewalld: nil, nftables: nil, iptables: nil) == (true, "ufw"))
        #expect(SecurityCollector.firewall(ufw: false, firewalld: true, nftables: true, iptables: nil) == (true, "firewalld"))
        #expect(SecurityCollector.firewall(ufw: nil, firewalld: false, nftables: false, iptables: true) == (true, "iptables"))
        #expect(SecurityCollector.firewall(ufw: false, firewalld: false, nftables: false, iptables: false) == (false, nil))
        #expect(SecurityCollector.firewall(ufw: false, firewalld: false, nftables: nil, iptables: nil) == (nil, nil))
    }

    @Test func secure_boot_reads_the_data_byte_after_the_attributes() {
        #expect(SecurityCollector.secureBoot(efiPresent: false, variable: nil) == nil)
        #expect(SecurityCollector.secureBoot(efiPresent: true, variable: nil) == false)
        #expect(SecurityCollector.secureBoot(efiPresent: true, variable: [0x06, 0, 0, 0, 1]) == true)
        #expect(SecurityCollector.secureBoot(efiPresent: true, variable: [0x06, 0, 0, 0, 0]) == false)
    }

    @Test func clamd_version_gives_the_engine_and_the_age_of_the_signatures() throws {
        let text = "ClamAV 1.0.7/27450/Tue Oct 29 08:36:24 2024\n"
        let dayAfter = try Date("2024-10-30T08:00:00Z", strategy: .iso8601)
        let weekAfter = try Date("2024-11-05T08:00:00Z", strategy: .iso8601)
        #expect(SecurityCollector.clamVersion(text, now: dayAfter) == ("1.0.7", true))
        #expect(SecurityCollector.clamVersion(text, now: weekAfter) == ("1.0.7", false))
        #expect(SecurityCollector.clamVersion("ClamAV 0.103.11/26853/Thu Mar  7 08:23:06 2024", now: weekAfter) == ("0.103.11", false))
        #expect(SecurityCollector.clamVersion("ClamAV 1.0.7", now: dayAfter) == ("1.0.7", nil))
    }

    @Test func live_collect_finds_the_ports_this_machine_listens_on() async throws {
        func listening() -> Set<String> {
            Set(
                ["tcp", "tcp6"].flatMap { table in
                    SecurityCollector.parseSockets((try? String(contentsOfFile: "/proc/net/\(table)", encoding: .utf8)) ?? "", protocol: table)
                        .map { "\($0.port)/\($0.protocol)/\($0.address)" }
                })
        }
        let before = listening()
        let report = try await SecurityCollector().collect()
        let stable = before.intersection(listening())

        let reported = Set(report.ports.map { "\($0.port)/\($0.protocol)/\($0.address ?? "")" })
        #expect(stable.isSubset(of: reported))
        #expect(report.ports.count == reported.count)
        #expect(report.ports.allSatisfy { $0.risky == ($0.riskReason != nil) })
        #expect((report.secureBootEnabled == nil) == !FileManager.default.fileExists(atPath: "/sys/firmware/efi"))
        let runner = CommandRunner()
        if getuid() == 0, runner.which("nft") != nil || runner.which("iptables") != nil {
            #expect(report.firewallEnabled != nil)
        }
    }
}
