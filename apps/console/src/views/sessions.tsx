export function SessionsView() {
  return <p class="muted">Sessions are listed here.</p>;
}
