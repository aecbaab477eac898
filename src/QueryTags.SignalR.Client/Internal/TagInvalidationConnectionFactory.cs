using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>Builds the hub connection <see cref="TagInvalidationClient.Create"/> owns, from its options.</summary>
internal static class TagInvalidationConnectionFactory
{
    /// <summary>The connection, which reconnects with <paramref name="reconnectPolicy"/>.</summary>
    public static HubConnection Create(Uri hubUrl, TagInvalidationClientOptions options, GatedRetryPolicy reconnectPolicy)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(hubUrl, options.Transports, http =>
            {
                http.AccessTokenProvider = options.AccessTokenProvider;
                options.ConfigureHttpConnection?.Invoke(http);
            })
            .WithAutomaticReconnect(reconnectPolicy);
        if (options.Protocol == TagInvalidationProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        // The connection logs where the client does.
        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        return builder.Build();
    }
}
