using QueryTags.SignalR.LoadTest.Measurement;

namespace QueryTags.SignalR.LoadTest.Clients;

/// <summary>The connections of one run, in this process (.NET SignalR clients) or in Node processes (socket.io clients).</summary>
internal interface ILoadClients : IAsyncDisposable
{
    /// <summary>Connections that opened and hold their tags.</summary>
    int Connected { get; }

    /// <summary>Failed connects and hub calls while connecting.</summary>
    long ConnectErrors { get; }

    /// <summary>The processes the clients run in, whose CPU is reported beside the server's.</summary>
    IReadOnlyList<int> ProcessIds { get; }

    /// <summary>What arrived since the previous collection.</summary>
    Task<ClientWindow> CollectAsync();

    Task StartChurnAsync(ChurnRates rates);

    Task StopChurnAsync();
}
