export * from './controls';
export * from './charts';
