import { useSuspenseQuery } from "@tanstack/react-query";
import { createRoute, Link, notFound } from "@tanstack/react-router";
import { RenameTodoForm } from "../todos/RenameTodoForm";
import { todoQuery } from "../todos/todoQueries";
import { useDeleteTodo, useUpdateTodo } from "../todos/todoMutations";
import { rootRoute } from "./rootRoute";

export const todoDetailRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/todos/$todoId",
  params: {
    parse: ({ todoId }) => {
      const id = Number(todoId);
      if (!Number.isSafeInteger(id)) {
        throw notFound();
      }

      return { todoId: id };
    },
    stringify: ({ todoId }) => ({ todoId: String(todoId) }),
  },
  loader: ({ context, params }) => context.queryClient.ensureQueryData(todoQuery(params.todoId)),
  component: TodoDetailPage,
});

function TodoDetailPage() {
  const { todoId } = todoDetailRoute.useParams();
  const { data: todo } = useSuspenseQuery(todoQuery(todoId));
  const update = useUpdateTodo();
  const remove = useDeleteTodo();

  return (
    <section aria-labelledby="detail-heading" data-testid="todo-detail">
      <p>
        <Link to="/">← All todos</Link>
      </p>
      {todo === null ? (
        <h1 id="detail-heading" data-testid="todo-missing">
          Todo {todoId} does not exist
        </h1>
      ) : (
        <>
          <h1 id="detail-heading" data-testid="todo-title" className={todo.done ? "done" : undefined}>
            {todo.title}
          </h1>
          <p className="muted">
            Todo {todo.id} · {todo.done ? "done" : "open"} · changed {new Date(todo.updatedAt).toLocaleTimeString(undefined, { hour12: false })}
          </p>
          {/* Keyed by title: a rename made elsewhere replaces the field's text. */}
          <RenameTodoForm key={todo.title} todo={todo} />
          <div className="actions">
            <button type="button" onClick={() => update.mutate({ id: todo.id, change: { done: !todo.done } })}>
              {todo.done ? "Mark as open" : "Mark as done"}
            </button>
            <button type="button" className="danger" onClick={() => remove.mutate(todo.id)}>
              Delete
            </button>
          </div>
          {(update.error ?? remove.error) && <p role="alert">{(update.error ?? remove.error)?.message}</p>}
        </>
      )}
    </section>
  );
}
