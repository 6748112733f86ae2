// Untyped on purpose: the provider methods forward to src/provider/worker-impl.ts.
declare const provider: {
  configure(req: unknown): Promise<void>;
  check(olds: any, news: any): Promise<any>;
  diff(id: string, olds: any, news: any): Promise<any>;
  create(inputs: any): Promise<any>;
  read(id: string, props: any): Promise<any>;
  update(id: string, olds: any, news: any): Promise<any>;
  delete(id: string, props: any): Promise<void>;
};
export = provider;
