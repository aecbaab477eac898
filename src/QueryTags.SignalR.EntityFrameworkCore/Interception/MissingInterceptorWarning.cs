using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace QueryTags.SignalR.EntityFrameworkCore.Internal;

/// <summary>
/// Warns, once per model, when a context whose model declares tags saves without the interceptor: its saves
/// succeed and publish nothing, and without this nothing would say so.
/// </summary>
/// <remarks>
/// EF Core calls nothing of this package on such a save (the interceptor is what is missing), so this listens to EF
/// Core's own diagnostic event <c>SaveChangesStarting</c>, which every save raises. The first declaration in a model
/// (<c>InvalidatesTags</c>, <c>UseTagInvalidationConvention</c>) subscribes, once per process; the listener asks for
/// that one event only, and a save returns at the first check that clears it.
/// </remarks>
internal sealed class MissingInterceptorWarning : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private const string DeclaresAnnotation = "QueryTags:DeclaresTags";
    private const string WarnedAnnotation = "QueryTags:MissingInterceptorWarned";
    private static readonly string SaveChangesStarting = CoreEventId.SaveChangesStarting.Name!;
    private static int s_listening;

    private MissingInterceptorWarning()
    {
    }

    /// <summary>Starts listening to EF Core's diagnostic events, the first time it is called in the process.</summary>
    public static void EnsureListening()
    {
        if (Interlocked.Exchange(ref s_listening, 1) == 0)
        {
            DiagnosticListener.AllListeners.Subscribe(new MissingInterceptorWarning());
        }
    }

    /// <summary>Warns through the context's logger when its model declares tags, it lacks the interceptor, and this model has not warned yet.</summary>
    public static void Check(DbContext context)
    {
        var model = context.Model;
        if (!Declares(model) || model.GetOrAddRuntimeAnnotationValue(WarnedAnnotation, static _ => new StrongBox<int>(), (object?)null) is not { } warned
            || Volatile.Read(ref warned.Value) != 0 || HasInterceptor(context) || Interlocked.Exchange(ref warned.Value, 1) != 0)
        {
            return;
        }

        var logger = context.GetService<ILoggerFactory>().CreateLogger(TagInvalidationDbContextOptionsBuilderExtensions.LogCategory);
        InterceptionLog.InterceptorMissing(logger, context.GetType().Name);
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            listener.Subscribe(this, static name => name == SaveChangesStarting);
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not DbContextEventData { Context: { } context })
        {
            return;
        }

        try
        {
            Check(context);
        }
        catch (Exception)
        {
            // A warning must never fail the save it looks at.
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    private static bool Declares(IModel model) =>
        model.GetOrAddRuntimeAnnotationValue(DeclaresAnnotation, static model => model!.GetEntityTypes().Any(type => EntityTags.For(type) != EntityTags.None), model);

    private static bool HasInterceptor(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.Any(interceptor => interceptor is TagInvalidationInterceptor or CapturedAtDatabase) == true;
}
