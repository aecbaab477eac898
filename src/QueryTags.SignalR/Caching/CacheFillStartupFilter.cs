using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace QueryTags.SignalR.Internal;

/// <summary>
/// Puts the output cache fill guard's last look (<see cref="CacheFillGuard.AfterPipelineAsync"/>) outside the app's
/// whole pipeline, so it runs as soon as the output cache middleware has stored an answer. A response's
/// <c>OnCompleted</c> would run later, after the client had the answer and could have changed the data again, and
/// that later change would look like one the store raced.
/// </summary>
internal sealed class CacheFillStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static async (context, nextMiddleware) =>
        {
            await nextMiddleware(context);
            await CacheFillGuard.AfterPipelineAsync(context);
        });
        next(app);
    };
}
