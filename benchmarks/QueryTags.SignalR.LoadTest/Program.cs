using QueryTags.SignalR.LoadTest;

return await Commands.RunAsync(args);
