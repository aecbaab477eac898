using System.Globalization;
using System.Net;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>
/// The loopback addresses the load clients connect from. One address has only the ephemeral port range
/// (about 28,000 ports here) for connections to one server port, so above that the connections are spread
/// round-robin over 127.0.0.1, 127.0.0.2, ... (all loopback: Linux routes 127.0.0.0/8 to <c>lo</c>).
/// </summary>
internal sealed class SourceAddresses
{
    // Ports other programs on the machine (and sockets in TIME_WAIT) may hold.
    private const int SparePorts = 3000;

    /// <param name="connections">How many connections will be open at once.</param>
    /// <param name="atLeast">Use at least this many addresses (the smoke test spreads a few connections to exercise it).</param>
    public SourceAddresses(int connections, int atLeast = 1)
    {
        PortsPerAddress = Math.Max(1000, EphemeralPortCount() - SparePorts);
        Count = Math.Clamp(Math.Max(atLeast, (connections + PortsPerAddress - 1) / PortsPerAddress), 1, 254);
    }

    public int Count { get; }

    public int PortsPerAddress { get; }

    /// <summary>The address connection <paramref name="index"/> binds to; null when one address is enough (the system picks 127.0.0.1).</summary>
    public IPAddress? For(int index) => Count == 1 ? null : new IPAddress([127, 0, 0, (byte)(1 + (index % Count))]);

    private static int EphemeralPortCount()
    {
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(range[1], CultureInfo.InvariantCulture) - int.Parse(range[0], CultureInfo.InvariantCulture) + 1;
    }
}
