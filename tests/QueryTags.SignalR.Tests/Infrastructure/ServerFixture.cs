namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>
/// One real server for a test class whose tests leave it running: started before the first test, disposed after the
/// last, whatever they did.
/// </summary>
public abstract class ServerFixture<TServer>(Func<Task<TServer>> start) : IAsyncLifetime
    where TServer : class, IAsyncDisposable
{
    private TServer? _server;

    public TServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _server = await start();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
