using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace QueryTags.SignalR.Client.Internal;

/// <summary>Builds the hub connection <see cref="TagInvalidationClient.Create"/> owns, from its options.</summary>
internal static class TagInvalidationConnectionFactory
{
    public static HubConnection Create(Uri hubUrl, TagInvalidationClientOptions options)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(hubUrl, options.Transports, http =>
            {
                http.AccessTokenProvider = options.AccessTokenProvider;
                options.ConfigureHttpConnection?.Invoke(http);
            })
            .WithAutomaticReconnect(options.ReconnectPolicy);
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
