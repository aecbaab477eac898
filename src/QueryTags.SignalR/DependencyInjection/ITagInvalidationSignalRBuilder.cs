using Microsoft.AspNetCore.SignalR;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddTagInvalidation().AddSignalR()</c>: SignalR's builder and the tag invalidation builder at once,
/// so SignalR's add-ons (<c>.AddMessagePackProtocol()</c>) and this library's (<c>.AddOutputCacheEviction()</c>)
/// chain in either order.
/// </summary>
public interface ITagInvalidationSignalRBuilder : ITagInvalidationBuilder, ISignalRServerBuilder
{
    /// <summary>The services being configured.</summary>
    new IServiceCollection Services { get; }
}
