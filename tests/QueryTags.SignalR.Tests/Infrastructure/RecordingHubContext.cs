using Microsoft.AspNetCore.SignalR;

namespace QueryTags.SignalR.Tests.Infrastructure;

/// <summary>
/// The hub context of <see cref="InvalidationHub"/> as a record of what was sent to whom: group sends (what the
/// invalidator does) and typed sends to one connection (what a reset does). Other targets are not used by the
/// library and throw.
/// </summary>
internal sealed class RecordingHubContext : IHubContext<InvalidationHub>, IHubContext<InvalidationHub, IInvalidationHubClient>
{
    private readonly Lock _gate = new();
    private readonly RecordingClients _clients;

    public RecordingHubContext() => _clients = new RecordingClients(this);

    /// <summary>Runs at each send, before it is recorded: a test can look at the world as the send saw it.</summary>
    public Action? OnSend { get; set; }

    /// <summary>What a group send returns (by default a completed task): a test can make sends hang or fail.</summary>
    public Func<Task> GroupSendResult { get; set; } = () => Task.CompletedTask;

    public List<(IReadOnlyList<string> Groups, string Method, object?[] Arguments)> GroupSends { get; } = [];

    public List<(string ConnectionId, ResetMessage Message)> Resets { get; } = [];

    IHubClients IHubContext<InvalidationHub>.Clients => _clients;

    IHubClients<IInvalidationHubClient> IHubContext<InvalidationHub, IInvalidationHubClient>.Clients => _clients;

    public IGroupManager Groups => throw new NotSupportedException("The library does not manage groups through the hub context.");

    private void RecordGroupSend(IReadOnlyList<string> groups, string method, object?[] arguments)
    {
        OnSend?.Invoke();
        lock (_gate)
        {
            GroupSends.Add(([.. groups], method, arguments));
        }
    }

    private void RecordReset(string connectionId, ResetMessage message)
    {
        OnSend?.Invoke();
        lock (_gate)
        {
            Resets.Add((connectionId, message));
        }
    }

    private sealed class RecordingClients(RecordingHubContext context) : IHubClients, IHubClients<IInvalidationHubClient>
    {
        public IClientProxy Groups(IReadOnlyList<string> groupNames) => new GroupProxy(context, groupNames);

        public IInvalidationHubClient Client(string connectionId) => new ConnectionProxy(context, connectionId);

        IClientProxy IHubClients<IClientProxy>.Client(string connectionId) => throw Unused();

        public IClientProxy All => throw Unused();

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.All => throw Unused();

        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw Unused();

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw Unused();

        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => throw Unused();

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.Clients(IReadOnlyList<string> connectionIds) => throw Unused();

        public IClientProxy Group(string groupName) => new GroupProxy(context, [groupName]);

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.Group(string groupName) => throw Unused();

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.Groups(IReadOnlyList<string> groupNames) => throw Unused();

        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw Unused();

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw Unused();

        public IClientProxy User(string userId) => throw Unused();

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.User(string userId) => throw Unused();

        public IClientProxy Users(IReadOnlyList<string> userIds) => throw Unused();

        IInvalidationHubClient IHubClients<IInvalidationHubClient>.Users(IReadOnlyList<string> userIds) => throw Unused();

        private static NotSupportedException Unused() => new("The library sends to groups and to single connections only.");
    }

    private sealed class GroupProxy(RecordingHubContext context, IReadOnlyList<string> groups) : IClientProxy
    {
        public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
        {
            context.RecordGroupSend(groups, method, args);
            return context.GroupSendResult();
        }
    }

    private sealed class ConnectionProxy(RecordingHubContext context, string connectionId) : IInvalidationHubClient
    {
        public Task Invalidate(InvalidationMessage message) => throw new NotSupportedException("Invalidations go to groups.");

        public Task Reset(ResetMessage message)
        {
            context.RecordReset(connectionId, message);
            return Task.CompletedTask;
        }
    }
}
