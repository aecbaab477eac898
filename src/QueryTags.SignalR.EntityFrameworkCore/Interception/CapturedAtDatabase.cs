using Microsoft.EntityFrameworkCore.Diagnostics;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Stands in a context's options for the publishing interceptor when an <see cref="IDatabaseChangeCapture"/> publishes
/// its changes: it publishes nothing, and tells <see cref="MissingInterceptorWarning"/> that the model's tags are
/// published all the same.
/// </summary>
internal sealed class CapturedAtDatabase : IInterceptor
{
    public static CapturedAtDatabase Instance { get; } = new();

    private CapturedAtDatabase()
    {
    }
}
