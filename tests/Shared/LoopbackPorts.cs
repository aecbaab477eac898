using System.Net;
using System.Net.Sockets;

namespace QueryTags.SignalR.Testing;

/// <summary>Free ports of 127.0.0.1 for the servers tests and the load benchmark start. Linked into each project as source.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port of 127.0.0.1 no one listens on now (the system picks it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
