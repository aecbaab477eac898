using Microsoft.Extensions.Options;
using QueryTags.SignalR.EntityFrameworkCore;

namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>The EF Core contexts whose changes capture publishes: their own saves publish nothing more.</summary>
internal sealed class CapturedContexts(IOptions<PostgresChangeCaptureOptions> options) : IDatabaseChangeCapture
{
    public bool Captures(Type contextType) => options.Value.Contexts.Contains(contextType);
}
