namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>The test server with a bearer token ready for each <see cref="TestUser"/>.</summary>
public class AuthenticatedServerFixture : KestrelServerFixture
{
    private readonly Dictionary<TestUser, string> _tokens = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var user in TestUser.All)
        {
            _tokens[user] = await Server.TokenAsync(user);
        }
    }

    public string Token(TestUser user) => _tokens[user];
}

/// <summary>A server whose tag authorization refuses every tag no rule covers.</summary>
public sealed class DenyByDefaultServerFixture : AuthenticatedServerFixture
{
    protected override Task<KestrelServer> StartServerAsync() => KestrelServer.StartAsync(authorize: rules => rules.DenyByDefault = true);
}

/// <summary>A server that also accepts connections from pages of <see cref="AllowedOrigin"/>.</summary>
public sealed class AllowedOriginServerFixture : AuthenticatedServerFixture
{
    public const string AllowedOrigin = "https://app.example:8443";

    protected override Task<KestrelServer> StartServerAsync() => KestrelServer.StartAsync(options => options.AllowedOrigins.Add(AllowedOrigin + "/"));
}

/// <summary>A server that sends the publisher's source text (<c>SendSourceToClients</c>) to clients.</summary>
public sealed class SendSourceServerFixture : KestrelServerFixture
{
    protected override Task<KestrelServer> StartServerAsync() => KestrelServer.StartAsync(options => options.SendSourceToClients = true);
}
