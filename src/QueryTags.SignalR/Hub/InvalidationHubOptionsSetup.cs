using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// The hub's own SignalR options, after every other configuration: the message size and handshake timeout of
/// <see cref="TagInvalidationOptions"/>, one call at a time per connection (what the rate limit counts on), detailed
/// errors (binding and protocol errors name what was wrong), and, innermost, <see cref="ServerFaultFilter"/>, so an
/// exception of the server's own making reaches the client without its message.
/// </summary>
/// <remarks>
/// The values are set for <see cref="InvalidationHub"/> alone: other hubs of the app keep theirs. They are set after
/// <c>AddHubOptions&lt;InvalidationHub&gt;</c> too, so they are changed through <see cref="TagInvalidationOptions"/>.
/// </remarks>
internal sealed class InvalidationHubOptionsSetup(IOptions<TagInvalidationOptions> options) : IPostConfigureOptions<HubOptions<InvalidationHub>>
{
    public void PostConfigure(string? name, HubOptions<InvalidationHub> hub)
    {
        TagInvalidationOptions tagInvalidation;
        try
        {
            tagInvalidation = options.Value;
        }
        catch (OptionsValidationException)
        {
            // Mapping the hub builds these options before the host starts; the start fails with every reason.
            return;
        }

        hub.HandshakeTimeout = tagInvalidation.HandshakeTimeout;
        hub.MaximumReceiveMessageSize = tagInvalidation.MaxMessageSize;
        hub.MaximumParallelInvocationsPerClient = 1;
        hub.EnableDetailedErrors = true;
        hub.AddFilter(ServerFaultFilter.Instance);
    }
}
