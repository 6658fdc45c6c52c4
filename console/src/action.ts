// One action on a page: busy while it runs, the API's reason when it is refused, a line when done.
import { ref, type Ref } from 'vue';
import { ApiError, describeError } from './api/client';

/**
 * The page's one "done" line, shared by its actions. It must live outside the forms: a form is
 * shown only while its step waits (a review while a final report is pending, an investigation while
 * the case is in investigation), so after the reload that follows a successful step the form is
 * gone, and a line inside it would vanish with it before anyone (or a test) could read it.
 */
export const useNotice = () => ref<string | null>(null);

export function useAction(notice: Ref<string | null> = useNotice()) {
  const busy = ref(false);
  const error = ref<string | null>(null);
  const fields = ref<Record<string, string>>({});
  const done = notice;
  async function run(fn: () => Promise<unknown>, success: string): Promise<boolean> {
    busy.value = true;
    error.value = null;
    done.value = null;
    fields.value = {};
    try {
      await fn();
      done.value = success;
      return true;
    } catch (err) {
      error.value = describeError(err);
      if (err instanceof ApiError) fields.value = err.fieldErrors();
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, fields, done, run };
}

/** loads once and on demand, keeping the last error */
export function useLoad<T>(fn: () => Promise<T>) {
  const data = ref<T>();
  const error = ref<string | null>(null);
  const loading = ref(false);
  async function reload(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      data.value = await fn();
    } catch (err) {
      error.value = describeError(err);
    } finally {
      loading.value = false;
    }
  }
  void reload();
  return { data, error, loading, reload };
}
